using Chat.Api.Accounts;
using Chat.Api.Contracts;
using Chat.Api.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Api.Apis;

/// <summary>Leaving, with one's data (docs/api.md, Version 1.3): deleting the account.</summary>
public static class AccountApi
{
    public static void MapAccountApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/account").WithTags("Account").RequireAuthorization();
        api.MapDelete("/", Delete);
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
