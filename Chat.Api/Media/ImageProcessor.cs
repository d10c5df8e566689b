using Chat.Api.Validation;
using SkiaSharp;

namespace Chat.Api.Media;

/// <summary>An upload made safe: re-encoded (no EXIF, GPS included), upright, with a thumbnail.</summary>
public sealed record ProcessedImage(byte[] Full, byte[] Thumbnail, int Width, int Height, string ContentType, string Extension);

/// <summary>
/// Accepts JPEG, PNG, WebP and GIF by their content (magic bytes, then a real decode of the same
/// format), refuses anything over 40 megapixels from the header alone (decompression bombs), and
/// re-encodes: the stored bytes are ours, never the uploader's. Images are kept at a long side of
/// at most <see cref="MaxSide"/>, and decoded at (about) that size where the codec can scale as it
/// decodes (JPEG by eighths, WebP freely): a 6000×4000 photo never exists in memory at full size.
/// PNG and GIF decode only whole, so they are refused above <see cref="MaxWholeDecodePixels"/>.
/// </summary>
public static class ImageProcessor
{
    public const long MaxPixels = 40_000_000;
    public const int MaxSide = 2048;
    /// <summary>The most pixels decoded at full size (64 MB of RGBA): formats without scaled decoding above it are 413.</summary>
    public const long MaxWholeDecodePixels = 16_000_000;
    public static readonly IReadOnlyList<string> AcceptedContentTypes = ["image/jpeg", "image/png", "image/webp", "image/gif"];
    public const int ThumbnailSide = 320;
    private const int JpegQuality = 85;

    private enum Kind { Jpeg, Png, Gif, WebP }

    public static (ProcessedImage? Image, ClientError? Error) Process(byte[] data)
    {
        if (data.Length == 0) return (null, new ClientError(StatusCodes.Status400BadRequest, "The file is empty"));
        if (Sniff(data) is not { } kind)
        {
            return (null, new ClientError(StatusCodes.Status415UnsupportedMediaType, "Only JPEG, PNG, WebP and GIF images are accepted"));
        }

        using var codec = SKCodec.Create(new SKMemoryStream(data));
        if (codec is null) return (null, NotAnImage);
        // A polyglot or a mislabelled file: the decoder must agree with the magic bytes.
        if (codec.EncodedFormat != Format(kind)) return (null, NotAnImage);
        if ((long)codec.Info.Width * codec.Info.Height > MaxPixels)
        {
            return (null, new ClientError(StatusCodes.Status400BadRequest, $"The image is over {MaxPixels / 1_000_000} megapixels"));
        }

        var (width, height) = DecodeSize(codec);
        if ((long)width * height > MaxWholeDecodePixels)
        {
            return (null, new ClientError(StatusCodes.Status413PayloadTooLarge, "The image is too large to process",
                Detail: $"PNG and GIF images are limited to {MaxWholeDecodePixels / 1_000_000} megapixels; send a smaller image or a JPEG."));
        }
        using var decoded = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        if (codec.GetPixels(decoded.Info, decoded.GetPixels()) != SKCodecResult.Success) return (null, NotAnImage);

        using var oriented = Orient(decoded, codec.EncodedOrigin);
        using var upright = Shrink(oriented, MaxSide);
        var (format, contentType, extension) = kind switch
        {
            Kind.Jpeg => (SKEncodedImageFormat.Jpeg, "image/jpeg", "jpg"),
            Kind.WebP => (SKEncodedImageFormat.Webp, "image/webp", "webp"),
            _ => (SKEncodedImageFormat.Png, "image/png", "png"), // GIF: the first frame, losslessly
        };
        using var thumbnail = Shrink(upright, ThumbnailSide);
        return (new ProcessedImage(Encode(upright, format), Encode(thumbnail, format), upright.Width, upright.Height, contentType, extension), null);
    }

    /// <summary>
    /// The smallest size the codec can decode to (a whole-image scale it supports) that is still at
    /// least the size kept; the full size when it cannot scale (PNG, GIF) or need not.
    /// </summary>
    private static (int Width, int Height) DecodeSize(SKCodec codec)
    {
        var (fullWidth, fullHeight) = (codec.Info.Width, codec.Info.Height);
        var keep = Math.Min(1.0, (double)MaxSide / Math.Max(fullWidth, fullHeight));
        if (keep >= 1.0) return (fullWidth, fullHeight);
        for (var eighths = 1; eighths < 8; eighths++)
        {
            var scaled = codec.GetScaledDimensions(eighths / 8f);
            if (Math.Max(scaled.Width, scaled.Height) >= MaxSide && Math.Max(scaled.Width, scaled.Height) < Math.Max(fullWidth, fullHeight))
            {
                return (scaled.Width, scaled.Height);
            }
        }
        return (fullWidth, fullHeight);
    }

    private static readonly ClientError NotAnImage = new(StatusCodes.Status400BadRequest, "The file is not a readable image (corrupt, truncated or disguised)");

    private static Kind? Sniff(ReadOnlySpan<byte> data) => data switch
    {
        [0xFF, 0xD8, 0xFF, ..] => Kind.Jpeg,
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..] => Kind.Png,
        [0x47, 0x49, 0x46, 0x38, 0x37 or 0x39, 0x61, ..] => Kind.Gif, // GIF87a, GIF89a
        [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => Kind.WebP, // RIFF....WEBP
        _ => null,
    };

    private static SKEncodedImageFormat Format(Kind kind) => kind switch
    {
        Kind.Jpeg => SKEncodedImageFormat.Jpeg,
        Kind.Png => SKEncodedImageFormat.Png,
        Kind.Gif => SKEncodedImageFormat.Gif,
        _ => SKEncodedImageFormat.Webp,
    };

    /// <summary>Applies the EXIF orientation to the pixels, since the re-encoded file carries no EXIF.</summary>
    private static SKBitmap Orient(SKBitmap source, SKEncodedOrigin origin)
    {
        float w = source.Width, h = source.Height;
        // x' = a·x + b·y + c, y' = d·x + e·y + f for each of the eight EXIF orientations.
        var (a, b, c, d, e, f) = origin switch
        {
            SKEncodedOrigin.TopRight => (-1f, 0f, w, 0f, 1f, 0f),
            SKEncodedOrigin.BottomRight => (-1f, 0f, w, 0f, -1f, h),
            SKEncodedOrigin.BottomLeft => (1f, 0f, 0f, 0f, -1f, h),
            SKEncodedOrigin.LeftTop => (0f, 1f, 0f, 1f, 0f, 0f),
            SKEncodedOrigin.RightTop => (0f, -1f, h, 1f, 0f, 0f),
            SKEncodedOrigin.RightBottom => (0f, -1f, h, -1f, 0f, w),
            SKEncodedOrigin.LeftBottom => (0f, 1f, 0f, -1f, 0f, w),
            _ => (1f, 0f, 0f, 0f, 1f, 0f),
        };
        var swapsSides = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var result = new SKBitmap(source.Info.WithSize(swapsSides ? source.Height : source.Width, swapsSides ? source.Width : source.Height));
        using var canvas = new SKCanvas(result);
        canvas.SetMatrix(new SKMatrix(a, b, c, d, e, f, 0, 0, 1));
        canvas.DrawBitmap(source, 0, 0);
        return result;
    }

    private static SKBitmap Shrink(SKBitmap source, int longestSide)
    {
        var scale = Math.Min(1.0, (double)longestSide / Math.Max(source.Width, source.Height));
        var size = source.Info.WithSize(Math.Max(1, (int)Math.Round(source.Width * scale)), Math.Max(1, (int)Math.Round(source.Height * scale)));
        return source.Resize(size, new SKSamplingOptions(SKCubicResampler.Mitchell));
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, JpegQuality);
        return data.ToArray();
    }
}
