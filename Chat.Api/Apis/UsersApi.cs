using Chat.Api.Accounts;
using Chat.Api.Contacts;
using Chat.Api.Contracts;
using Chat.Api.Identity;
using Chat.Api.Infrastructure;
using Chat.Api.Media;
using Chat.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.Api.Apis;

/// <summary>The profile and the user directory (docs/api.md, Accounts).</summary>
public static class UsersApi
{
    public static void MapUsersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization();
        api.MapPut("/me", UpdateProfile);
        api.MapPut("/me/avatar", UpdateAvatar).RequireRateLimiting(RateLimits.Upload).WithRequestTimeout(DependencyFailures.UploadPolicy);
        api.MapGet("/", Directory).RequireRateLimiting(RateLimits.Search);
    }

    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> UpdateProfile(
        UpdateProfileRequest request, HttpContext context, ProfileService profile, CancellationToken cancellationToken)
    {
        var (user, error) = await profile.UpdateFullNameAsync(context.User.UserId(), request.FullName, cancellationToken);
        return error is null ? TypedResults.Ok(user) : error.ToProblem(context);
    }

    /// <summary>multipart/form-data with a part named "file"; the avatar is the upload's thumbnail.</summary>
    public static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> UpdateAvatar(
        HttpContext context, ProfileService profile, IOptions<MediaOptions> media, CancellationToken cancellationToken)
    {
        var (file, readError) = await MultipartUpload.ReadFileAsync(context.Request, media.Value.MaxUploadBytes, cancellationToken);
        if (readError is not null) return readError.ToProblem(context);

        var (user, error) = await profile.UpdateAvatarAsync(context.User.UserId(), file!, cancellationToken);
        return error is null ? TypedResults.Ok(user) : error.ToProblem(context);
    }

    public static async Task<Results<Ok<ContactPage>, ProblemHttpResult>> Directory(
        string? q, string? cursor, int? limit, HttpContext context, ContactDirectory directory, CancellationToken cancellationToken)
    {
        var (page, error) = await directory.SearchAsync(context.User.UserId(), q, cursor, limit, cancellationToken);
        return error is null ? TypedResults.Ok(page) : error.ToProblem(context);
    }
}
