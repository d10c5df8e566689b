using Chat.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

public static class ImageStorageExtensions
{
    /// <summary>
    /// Cloudinary when CLOUDINARY_URL is configured (as a secret parameter), otherwise a local
    /// directory every replica shares (.data/media at the repository root).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithImageStorage(this IResourceBuilder<ProjectResource> api, InfrastructureReport report)
    {
        var builder = api.ApplicationBuilder;
        // Deployed, images always go to Cloudinary: a local directory is neither in the cloud nor
        // shared by replicas. The URL is a secret azd asks for.
        if (builder.ExecutionContext.IsPublishMode)
        {
            return api.WithEnvironment("CLOUDINARY_URL", SharedParameter(builder, () => builder.AddParameter(CloudinaryParameter, secret: true)));
        }
        if (!string.IsNullOrWhiteSpace(builder.Configuration["CLOUDINARY_URL"]))
        {
            var cloudinary = SharedParameter(builder, () => builder.AddParameter(CloudinaryParameter, builder.Configuration["CLOUDINARY_URL"]!, secret: true));
            report.Add("images", "Cloudinary (CLOUDINARY_URL)");
            return api.WithEnvironment("CLOUDINARY_URL", cloudinary);
        }

        var directory = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".data", "media"));
        report.Add("images", $"local store in {directory} (set CLOUDINARY_URL to use Cloudinary)");
        return api.WithEnvironment("Media__LocalPath", directory);
    }

    private const string CloudinaryParameter = "cloudinary-url";

    // One parameter for every API replica (each is its own resource when run locally).
    private static IResourceBuilder<ParameterResource> SharedParameter(IDistributedApplicationBuilder builder, Func<IResourceBuilder<ParameterResource>> add) =>
        builder.Resources.OfType<ParameterResource>().SingleOrDefault(p => p.Name == CloudinaryParameter) is { } existing
            ? builder.CreateResourceBuilder(existing)
            : add();

    /// <summary>
    /// The web front's pages may show images from Cloudinary when it stores them (their
    /// Content-Security-Policy): avatars from its CDN, private images from the signed download
    /// URLs the API redirects to.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithImageOrigins(this IResourceBuilder<ProjectResource> web) =>
        !web.ApplicationBuilder.ExecutionContext.IsPublishMode && string.IsNullOrWhiteSpace(web.ApplicationBuilder.Configuration["CLOUDINARY_URL"])
            ? web
            : web.WithEnvironment("Security__ImageOrigins__0", "https://res.cloudinary.com")
                .WithEnvironment("Security__ImageOrigins__1", "https://api.cloudinary.com");
}
