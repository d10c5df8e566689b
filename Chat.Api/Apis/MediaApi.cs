using Chat.Api.Identity;
using Chat.Api.Media;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Api.Apis;

/// <summary>Image uploads (API.md, Media), and the local store's files under /media.</summary>
public static class MediaApi
{
    public static void MapMediaApi(this WebApplication app)
    {
        app.MapGroup("/api/media").WithTags("Media").RequireAuthorization()
            .MapPost("/", Upload);

        if (app.Services.GetRequiredService<IImageStorage>() is LocalImageStorage local)
        {
            app.UseStaticFiles(local.StaticFileOptions());
        }
    }

    /// <summary>multipart/form-data with a part named "file"; 201 with the stored, normalised image.</summary>
    public static async Task<Results<Created<MediaResponse>, ProblemHttpResult>> Upload(
        HttpRequest request, MediaService media, CancellationToken cancellationToken)
    {
        var (file, readError) = await MultipartUpload.ReadFileAsync(request, MediaService.MaxUploadBytes, cancellationToken);
        if (readError is not null) return readError.ToProblem();

        var (stored, error) = await media.UploadAsync(request.HttpContext.User.UserId(), file!, use: null, cancellationToken);
        return error is null ? TypedResults.Created(stored!.Url, stored.ToResponse()) : error.ToProblem();
    }
}
