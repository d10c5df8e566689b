namespace Chat.Api.Validation;

/// <summary>Per-field errors in the ProblemDetails "errors" shape; empty when the input is valid.</summary>
public sealed class ValidationErrors : Dictionary<string, string[]>
{
    public ValidationErrors Check(bool valid, string field, string message)
    {
        if (!valid) this[field] = [.. this.GetValueOrDefault(field, []), message];
        return this;
    }
}
