using Chat.Api.Accounts;
using Chat.Api.Contracts;
using Chat.Api.Groups;
using Chat.Api.Media;
using Chat.Api.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.Api.Apis;

/// <summary>GET /api/limits: what the server enforces that a client should check before sending (anonymous: the sign-up page needs it).</summary>
public static class LimitsApi
{
    public static void MapLimitsApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/limits", Limits).WithTags("Limits");

    public static Ok<LimitsResponse> Limits(IOptions<MediaOptions> media, IOptions<GroupOptions> groups) => TypedResults.Ok(new LimitsResponse(
        MessagingLimits.MaxTextLength, media.Value.MaxUploadBytes, ImageProcessor.AcceptedContentTypes,
        AccountValidation.FullNameMaxLength, AccountValidation.PasswordMinLength, AccountValidation.PasswordMaxLength,
        groups.Value.MaxMembers, GroupOptions.MaxNameLength));
}
