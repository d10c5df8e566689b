using Chat.Api.Accounts;
using Chat.Api.Contracts;
using Chat.Api.Exports;
using Chat.Api.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Api.Apis;

/// <summary>Leaving, with one's data (docs/api.md, Version 1.3): exporting it, deleting the account.</summary>
public static class AccountApi
{
    public static void MapAccountApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/account").WithTags("Account").RequireAuthorization();
        api.MapDelete("/", Delete);
        api.MapPost("/export", RequestExport);
        api.MapGet("/export/{id}", Export);
        // A large zip takes longer than the request deadline to send.
        api.MapGet("/export/{id}/download", DownloadExport).DisableRequestTimeout();
    }

    /// <summary>202 with the export being prepared (the one already under way, if there is one).</summary>
    public static async Task<Results<Accepted<ExportResponse>, ProblemHttpResult>> RequestExport(
        HttpContext context, ExportService exports, CancellationToken cancellationToken)
    {
        var (export, error) = await exports.RequestAsync(context.User.UserId(), cancellationToken);
        return error is null ? TypedResults.Accepted($"/api/account/export/{export!.Id}", export.ToResponse()) : error.ToProblem(context);
    }

    public static async Task<Results<Ok<ExportResponse>, ProblemHttpResult>> Export(
        string id, HttpContext context, ExportService exports, CancellationToken cancellationToken)
    {
        var (export, error) = await exports.GetAsync(context.User.UserId(), id, cancellationToken);
        return error is null ? TypedResults.Ok(export!.ToResponse()) : error.ToProblem(context);
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadExport(
        string id, HttpContext context, ExportService exports, CancellationToken cancellationToken)
    {
        var (zip, error) = await exports.OpenAsync(context.User.UserId(), id, cancellationToken);
        if (error is not null) return error.ToProblem(context);
        context.Response.Headers.CacheControl = "private, no-store";
        return TypedResults.File(zip!, "application/zip", $"chat-export-{DateTime.UtcNow:yyyy-MM-dd}.zip");
    }

    /// <summary>204: signed out everywhere (the cookie goes too), the account gone.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        [FromBody] DeleteAccountRequest? request, HttpContext context, AccountDeletion deletion, CancellationToken cancellationToken)
    {
        if (await deletion.DeleteAsync(context.User, request ?? new(null, null), AuthApi.DeviceOf(context), cancellationToken) is { } error)
        {
            return error.ToProblem(context);
        }
        SessionCookie.Clear(context);
        return TypedResults.NoContent();
    }
}
