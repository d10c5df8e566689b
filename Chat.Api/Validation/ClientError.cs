using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Api.Validation;

/// <summary>
/// A refusal the client caused, raised by a service behind both the REST API and the hub:
/// a ProblemDetails (400 with field errors, 403, 404, 409) over REST, a HubException over the hub.
/// </summary>
public sealed record ClientError(int Status, string Title, ValidationErrors? Errors = null)
{
    public static ClientError NotFound(string what) => new(StatusCodes.Status404NotFound, $"{what} not found");

    public static ClientError Invalid(string field, string message) =>
        new(StatusCodes.Status400BadRequest, "Invalid request", new ValidationErrors().Check(false, field, message));

    public static ClientError? From(ValidationErrors errors, string title = "Invalid request") =>
        errors.Count == 0 ? null : new(StatusCodes.Status400BadRequest, title, errors);

    public ProblemHttpResult ToProblem() => TypedResults.Problem(Errors is null
        ? new ProblemDetails { Status = Status, Title = Title }
        : new HttpValidationProblemDetails(Errors) { Status = Status, Title = Title });

    public HubException ToHubException() =>
        new(Errors is null ? Title : $"{Title}: {string.Join(" ", Errors.SelectMany(e => e.Value))}");
}
