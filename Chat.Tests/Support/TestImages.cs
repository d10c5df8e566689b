using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace Chat.Tests.Support;

/// <summary>Images made for tests: real encodings, EXIF injected by hand, and hostile files.</summary>
public static class TestImages
{
    /// <summary>A w×h image, left half red and right half blue, so orientation can be checked.</summary>
    public static byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Blue);
            canvas.DrawRect(0, 0, width / 2f, height, new SKPaint { Color = SKColors.Red });
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>A PNG of random pixels: it does not compress, so its size is about width × height × 4 bytes.</summary>
    public static byte[] NoisePng(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        Random.Shared.NextBytes(bitmap.GetPixelSpan());
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    public static byte[] Jpeg(int width = 200, int height = 100) => Encode(width, height, SKEncodedImageFormat.Jpeg);

    public static byte[] Png(int width = 200, int height = 100) => Encode(width, height, SKEncodedImageFormat.Png);

    /// <summary>
    /// A JPEG with an EXIF (APP1) segment after SOI holding an orientation and a GPS position
    /// (latitude 48° 51' 29" N): what a phone camera writes.
    /// </summary>
    public static byte[] JpegWithExif(int width, int height, ushort orientation)
    {
        var jpeg = Jpeg(width, height);
        var tiff = new List<byte>();
        void U16(int v) { var b = new byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)v); tiff.AddRange(b); }
        void U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); tiff.AddRange(b); }
        void Entry(int tag, int type, uint count, uint value) { U16(tag); U16(type); U32(count); U32(value); }

        tiff.AddRange("II"u8.ToArray()); U16(42); U32(8);                      // header, IFD0 at 8
        U16(2);                                                                 // IFD0: 2 entries (8..38)
        Entry(0x0112, 3, 1, orientation);                                       // Orientation, SHORT
        Entry(0x8825, 4, 1, 8 + 2 + 2 * 12 + 4);                                // GPS IFD pointer → 38
        U32(0);                                                                 // no next IFD
        U16(2);                                                                 // GPS IFD: 2 entries (38..68)
        Entry(0x0001, 2, 2, 'N');                                               // GPSLatitudeRef "N\0"
        Entry(0x0002, 5, 3, 38 + 2 + 2 * 12 + 4);                               // GPSLatitude → 68
        U32(0);
        foreach (var (n, d) in new[] { (48u, 1u), (51u, 1u), (29u, 1u) }) { U32(n); U32(d); }

        var app1 = new List<byte> { 0xFF, 0xE1 };
        var payload = "Exif\0\0"u8.ToArray().Concat(tiff).ToArray();
        app1.Add((byte)((payload.Length + 2) >> 8));
        app1.Add((byte)((payload.Length + 2) & 0xFF));
        app1.AddRange(payload);
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    public static bool HasExif(byte[] image) => image.AsSpan().IndexOf("Exif\0\0"u8) >= 0;

    /// <summary>A valid PNG signature and IHDR declaring width × height, with no pixel data to speak of.</summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        var png = Png(8, 8);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        // Fix the IHDR CRC so the decoder reads the header rather than rejecting a broken chunk.
        var crc = System.IO.Hashing.Crc32.HashToUInt32(png.AsSpan(12, 17));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), crc);
        return png;
    }

    /// <summary>A tiny GIF whose logical screen claims 60000 × 60000 pixels (a "GIF bomb").</summary>
    public static byte[] GifBomb()
    {
        var gif = new List<byte>("GIF89a"u8.ToArray());
        gif.AddRange([0x60, 0xEA, 0x60, 0xEA, 0x80, 0x00, 0x00]);             // 60000×60000, global colour table of 2
        gif.AddRange([0, 0, 0, 255, 255, 255]);
        gif.AddRange([0x2C, 0, 0, 0, 0, 0x60, 0xEA, 0x60, 0xEA, 0x00]);       // one image, also 60000×60000
        gif.AddRange([0x02, 0x02, 0x44, 0x01, 0x00, 0x3B]);                   // a few bytes of LZW, then the end
        return [.. gif];
    }

    public static byte[] Text(string content) => Encoding.UTF8.GetBytes(content);
}
