using Chat.Api.Contracts;
using Chat.Api.Identity;
using Chat.Api.Media;
using Chat.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.Api.Apis;

/// <summary>Image uploads (docs/api.md, Media), and the local store's files under /media.</summary>
public static class MediaApi
{
    public static void MapMediaApi(this WebApplication app)
    {
        app.MapGroup("/api/media").WithTags("Media").RequireAuthorization()
            .MapPost("/", Upload).RequireRateLimiting(RateLimits.Upload);

        if (app.Services.GetRequiredService<IImageStorage>() is LocalImageStorage local)
        {
            app.UseStaticFiles(local.StaticFileOptions());
        }
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
}
