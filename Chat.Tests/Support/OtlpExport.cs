using Google.Protobuf;

namespace Chat.Tests.Support;

/// <summary>
/// Writes an OTLP/HTTP trace export (ExportTraceServiceRequest, protobuf) the way a browser's
/// exporter does: one resource with its service name and a scope of spans, by opentelemetry-proto's field numbers.
/// </summary>
public static class OtlpExport
{
    public static byte[] Of(string serviceName, params (string TraceId, string SpanId, string Name)[] spans)
    {
        var attribute = Message(
            Bytes(1, ByteString.CopyFromUtf8("service.name")),
            Bytes(2, Message(Bytes(1, ByteString.CopyFromUtf8(serviceName)))));
        var resource = Message(Bytes(1, attribute));
        var now = (ulong)(DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        var spanMessages = spans.Select(span => Bytes(2, Message(
            Bytes(1, ByteString.CopyFrom(Convert.FromHexString(span.TraceId))),
            Bytes(2, ByteString.CopyFrom(Convert.FromHexString(span.SpanId))),
            Bytes(5, ByteString.CopyFromUtf8(span.Name)),
            Fixed64(7, now - 1_000_000),
            Fixed64(8, now))));
        var scopeSpans = Message(spanMessages.ToArray());
        return Message(Bytes(1, Message(Bytes(1, resource), Bytes(2, scopeSpans)))).ToByteArray();
    }

    public static string NewTraceId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());

    public static string NewSpanId() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()[..8]);

    private static ByteString Message(params ByteString[] fields) => ByteString.CopyFrom(fields.SelectMany(f => f.ToByteArray()).ToArray());

    private static ByteString Bytes(int field, ByteString value) => Write(output =>
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(value);
    });

    private static ByteString Fixed64(int field, ulong value) => Write(output =>
    {
        output.WriteTag(field, WireFormat.WireType.Fixed64);
        output.WriteFixed64(value);
    });

    private static ByteString Write(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        write(output);
        output.Flush();
        return ByteString.CopyFrom(buffer.ToArray());
    }
}
