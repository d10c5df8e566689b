using Chat.Api.Media;
using Chat.Tests.Support;
using SkiaSharp;

namespace Chat.Tests.Unit.Media;

public class ImageProcessorTests
{
    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg, "image/jpeg")]
    [InlineData(SKEncodedImageFormat.Png, "image/png")]
    [InlineData(SKEncodedImageFormat.Webp, "image/webp")]
    public void Accepted_images_are_reencoded_measured_and_get_a_320px_thumbnail(SKEncodedImageFormat format, string contentType)
    {
        var (image, error) = ImageProcessor.Process(TestImages.Encode(1000, 500, format));

        Assert.Null(error);
        Assert.Equal((1000, 500, contentType), (image!.Width, image.Height, image.ContentType));
        using var thumbnail = SKBitmap.Decode(image.Thumbnail);
        Assert.Equal((320, 160), (thumbnail.Width, thumbnail.Height));
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg, 6000, 4000, 2048, 1365)]
    [InlineData(SKEncodedImageFormat.Webp, 3000, 5000, 1229, 2048)]
    [InlineData(SKEncodedImageFormat.Png, 4000, 3000, 2048, 1536)]
    public void A_large_photo_is_kept_at_a_long_side_of_2048(SKEncodedImageFormat format, int width, int height, int keptWidth, int keptHeight)
    {
        var (image, error) = ImageProcessor.Process(TestImages.Encode(width, height, format));

        Assert.Null(error);
        Assert.Equal((keptWidth, keptHeight), (image!.Width, image.Height));
        using var stored = SKBitmap.Decode(image.Full);
        Assert.Equal((keptWidth, keptHeight), (stored.Width, stored.Height));
    }

    [Fact]
    public void A_png_too_large_to_decode_whole_is_a_413_before_any_pixel_is_decoded()
    {
        // The 51 KB PNG of 6320×6320 (40 MP) took 3 s and 320 MB to decode whole.
        var (image, error) = ImageProcessor.Process(TestImages.PngDeclaring(6320, 6320));

        Assert.Null(image);
        Assert.Equal(413, error!.Status);
    }

    [Fact]
    public void A_small_image_keeps_its_size_in_the_thumbnail()
    {
        var (image, _) = ImageProcessor.Process(TestImages.Png(100, 60));

        using var thumbnail = SKBitmap.Decode(image!.Thumbnail);
        Assert.Equal((100, 60), (thumbnail.Width, thumbnail.Height));
    }

    [Fact]
    public void Exif_and_its_gps_position_are_gone_and_the_orientation_is_applied_to_the_pixels()
    {
        // 200×100, red on the left; orientation 6 says "rotate 90° clockwise to view".
        var input = TestImages.JpegWithExif(200, 100, orientation: 6);
        Assert.True(TestImages.HasExif(input));

        var (image, error) = ImageProcessor.Process(input);

        Assert.Null(error);
        Assert.False(TestImages.HasExif(image!.Full));
        Assert.False(TestImages.HasExif(image.Thumbnail));
        Assert.Equal((100, 200), (image.Width, image.Height));
        using var upright = SKBitmap.Decode(image.Full);
        Assert.Equal((100, 200), (upright.Width, upright.Height));
        // After a clockwise turn the red (left) half is on top.
        Assert.True(upright.GetPixel(50, 20).Red > 200 && upright.GetPixel(50, 20).Blue < 60, "top should be red");
        Assert.True(upright.GetPixel(50, 180).Blue > 200 && upright.GetPixel(50, 180).Red < 60, "bottom should be blue");
    }

    [Fact]
    public void A_gif_becomes_a_png_of_its_first_frame()
    {
        var (image, error) = ImageProcessor.Process(MinimalGif());

        Assert.Null(error);
        Assert.Equal(("image/png", 1, 1), (image!.ContentType, image.Width, image.Height));
    }

    public static TheoryData<string, byte[], int> HostileFiles => new()
    {
        { "SVG renamed .png", TestImages.Text("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"), 415 },
        { "HTML renamed .jpg", TestImages.Text("<!doctype html><html><body onload=alert(1)></body></html>"), 415 },
        { "zero bytes", [], 400 },
        { "truncated JPEG", TestImages.Jpeg(400, 300)[..600], 400 },
        { "JPEG magic, then HTML", [0xFF, 0xD8, 0xFF, .. TestImages.Text("<html><script>alert(1)</script></html>")], 400 },
        { "PNG declaring 50000×50000", TestImages.PngDeclaring(50_000, 50_000), 400 },
        { "GIF bomb, 60000×60000", TestImages.GifBomb(), 400 },
    };

    [Theory]
    [MemberData(nameof(HostileFiles), DisableDiscoveryEnumeration = true)]
    public void Hostile_files_are_refused_with_a_clear_4xx(string name, byte[] file, int status)
    {
        var (image, error) = ImageProcessor.Process(file);

        Assert.Null(image);
        Assert.True(error is not null && error.Status == status, $"{name}: {error?.Status} {error?.Title}");
    }

    // The classic 1×1 GIF89a (Skia writes no GIF, so it is spelled out).
    private static byte[] MinimalGif() =>
    [
        .. "GIF89a"u8.ToArray(), 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
        0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
        0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ];
}
