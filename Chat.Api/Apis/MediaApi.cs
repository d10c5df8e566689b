using System.Security.Claims;
using Chat.Api.Contracts;
using Chat.Api.Identity;
using Chat.Api.Infrastructure;
using Chat.Api.Media;
using Chat.Api.Messaging;
using Chat.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Net.Http.Headers;

namespace Chat.Api.Apis;

/// <summary>Image uploads (docs/api.md, Media), and the images themselves under /media, each shown only to who may see it.</summary>
public static class MediaApi
{
    public static void MapMediaApi(this WebApplication app)
    {
        app.MapGroup("/api/media").WithTags("Media").RequireAuthorization()
            .MapPost("/", Upload).RequireRateLimiting(RateLimits.Upload).WithRequestTimeout(DependencyFailures.UploadPolicy);
        // Anonymous allowed: avatars are public; a private image answers 404 to anyone but its viewers.
        app.MapGet($"{MediaPaths.RequestPath}/{{file}}", Image).WithTags("Media").WithRequestTimeout(DependencyFailures.UploadPolicy);
    }

    /// <summary>multipart/form-data with a part named "file"; 201 with the stored, normalised image.</summary>
    public static async Task<Results<Created<MediaResponse>, ProblemHttpResult>> Upload(
        HttpContext context, MediaService media, IOptions<MediaOptions> options, CancellationToken cancellationToken)
    {
        var (file, readError) = await MultipartUpload.ReadFileAsync(context.Request, options.Value.MaxUploadBytes, cancellationToken);
        if (readError is not null) return readError.ToProblem(context);

        var (stored, error) = await media.UploadAsync(context.User.UserId(), file!, use: null, cancellationToken);
        return error is null ? TypedResults.Created(stored!.Url, stored.ToResponse()) : error.ToProblem(context);
    }

    /// <summary>
    /// One image or thumbnail. A private one (a message's) only for those who may read its message,
    /// cached by their browser only (<c>private</c>); anyone else gets the same 404 as for no
    /// image at all. An avatar for anyone, cacheable by all. Files never change (new content, new id).
    /// </summary>
    public static async Task<Results<PhysicalFileHttpResult, RedirectHttpResult, ProblemHttpResult>> Image(
        string file, HttpContext context, MediaService media, MessageImages images, CancellationToken cancellationToken)
    {
        var notFound = Validation.ClientError.NotFound("Image");
        if (MediaPaths.Parse(file) is not var (mediaId, thumbnail)) return notFound.ToProblem(context);
        var viewer = context.User.FindFirstValue(JwtRegisteredClaimNames.Sub);
        if (await images.FindVisibleAsync(mediaId, viewer, cancellationToken) is not { } found) return notFound.ToProblem(context);

        var location = media.Locate(found, thumbnail);
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        if (location.RedirectTo is { } url)
        {
            // A signed URL that expires: the browser may reuse the redirect only for a while.
            headers.CacheControl = found.Private ? "private, max-age=600" : "public, max-age=86400";
            return TypedResults.Redirect(url.ToString());
        }
        if (!File.Exists(location.FilePath)) return notFound.ToProblem(context);
        headers.CacheControl = found.Private ? "private, max-age=31536000, immutable" : "public, max-age=31536000, immutable";
        return TypedResults.PhysicalFile(location.FilePath!, found.ContentType);
    }
}
