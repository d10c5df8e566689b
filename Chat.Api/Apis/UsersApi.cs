using Chat.Api.Accounts;
using Chat.Api.Identity;
using Chat.Api.Media;
using Chat.Api.Presence;
using Chat.Api.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Apis;

/// <summary>The profile and the user directory (API.md, Accounts).</summary>
public static class UsersApi
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    public const int MaxQueryLength = 100;

    public static void MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization();
        api.MapPut("/me", UpdateProfile);
        api.MapPut("/me/avatar", UpdateAvatar);
        api.MapGet("/", Directory);
    }

    public static async Task<Results<Ok<UserResponse>, ValidationProblem, UnauthorizedHttpResult>> UpdateProfile(
        UpdateProfileRequest request, HttpContext context, UserStore users, CancellationToken cancellationToken)
    {
        var fullName = AccountValidation.NormalizeFullName(request.FullName);
        var errors = new ValidationErrors().FullName(fullName);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        return await users.UpdateFullNameAsync(context.User.UserId(), fullName, cancellationToken) is { } user
            ? TypedResults.Ok(user.ToResponse())
            : TypedResults.Unauthorized();
    }

    /// <summary>multipart/form-data with a part named "file"; the avatar is the upload's thumbnail.</summary>
    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult, UnauthorizedHttpResult>> UpdateAvatar(
        HttpRequest request, MediaService media, UserStore users, CancellationToken cancellationToken)
    {
        var (file, readError) = await MultipartUpload.ReadFileAsync(request, MediaService.MaxUploadBytes, cancellationToken);
        if (readError is not null) return readError.ToProblem();

        var userId = request.HttpContext.User.UserId();
        var (stored, error) = await media.UploadAsync(userId, file!, use: "avatar", cancellationToken);
        if (error is not null) return error.ToProblem();
        return await users.SetAvatarAsync(userId, stored!.ThumbnailUrl, cancellationToken) is { } user
            ? TypedResults.Ok(user.ToResponse())
            : TypedResults.Unauthorized();
    }

    public static async Task<Results<Ok<ContactPage>, ValidationProblem>> Directory(
        HttpContext context, UserStore users, PresenceTracker presence, string? q, string? cursor, int? limit,
        CancellationToken cancellationToken)
    {
        var query = q?.Trim();
        var after = string.IsNullOrEmpty(cursor) ? null : DirectoryCursor.TryDecode(cursor);
        var pageSize = limit ?? DefaultPageSize;
        var errors = new ValidationErrors()
            .Check(pageSize is >= 1 and <= MaxPageSize, "limit", $"limit must be 1 to {MaxPageSize}.")
            .Check(query is null || query.Length <= MaxQueryLength, "q", $"q must be at most {MaxQueryLength} characters.")
            .Check(string.IsNullOrEmpty(cursor) || after is not null, "cursor", "cursor is not one this API returned.");
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var (items, hasMore) = await users.SearchAsync(context.User.UserId(), query, after, pageSize, cancellationToken);
        var next = hasMore ? new DirectoryCursor(items[^1].FullNameKey, items[^1].Id).Encode() : null;
        var online = await presence.OnlineAmongAsync(items.Select(u => u.Id).ToList());
        return TypedResults.Ok(new ContactPage(items.Select(u => u.ToContact(online.Contains(u.Id))).ToList(), next));
    }
}
