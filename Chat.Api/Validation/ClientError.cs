using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Api.Validation;

/// <summary>
/// A refusal the client caused, raised by a service behind both the REST API and the hub: a
/// ProblemDetails over REST (400 with field errors under <c>errors</c>, 401, 403, 404, 409, 413,
/// 415, 429 with Retry-After), a HubException with the same words over the hub.
/// </summary>
public sealed record ClientError(int Status, string Title, ValidationErrors? Errors = null, string? Detail = null, TimeSpan? RetryAfter = null)
{
    public static ClientError NotFound(string what) => new(StatusCodes.Status404NotFound, $"{what} not found");

    /// <summary>A valid token of a user who no longer exists.</summary>
    public static readonly ClientError SessionEnded = new(StatusCodes.Status401Unauthorized, "The session has ended");

    public static ClientError Invalid(string field, string message) => From(new ValidationErrors().Check(false, field, message))!;

    /// <summary>The one 400 shape: title "Invalid request", the messages by field under <c>errors</c>; null when there are none.</summary>
    public static ClientError? From(ValidationErrors errors) =>
        errors.Count == 0 ? null : new(StatusCodes.Status400BadRequest, "Invalid request", errors);

    public ProblemHttpResult ToProblem(HttpContext context)
    {
        if (RetryAfter is { } wait)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return TypedResults.Problem(Errors is null
            ? new ProblemDetails { Status = Status, Title = Title, Detail = Detail }
            : new HttpValidationProblemDetails(Errors) { Status = Status, Title = Title, Detail = Detail });
    }

    public HubException ToHubException() =>
        new(Errors is null ? (Detail is null ? Title : $"{Title}: {Detail}") : $"{Title}: {string.Join(" ", Errors.SelectMany(e => e.Value))}");
}
