using Google.Protobuf;

namespace Chat.Api.ClientTelemetry;

/// <summary>
/// Reads an OTLP/HTTP trace export (an <c>ExportTraceServiceRequest</c> in protobuf, as the
/// OpenTelemetry exporters send it) far enough to check it and to tell what it holds: each
/// resource's <c>service.name</c> and its spans' ids, names, times and string or integer
/// attributes. Field numbers are those of opentelemetry-proto's trace/v1 and common/v1 (the
/// package with its generated classes is not served here; the wire format is read with
/// Google.Protobuf's own reader). Unknown fields are skipped, as protobuf readers do.
/// </summary>
public static class OtlpTraces
{
    public sealed record Span(
        string TraceId, string SpanId, string? ParentSpanId, string Name, DateTime Start, DateTime End,
        IReadOnlyDictionary<string, string> Attributes);

    /// <summary>One resource's spans: a process (a browser tab, an API replica) and what it recorded.</summary>
    public sealed record Resource(string? ServiceName, IReadOnlyList<Span> Spans);

    /// <summary>The export's resources; throws <see cref="InvalidProtocolBufferException"/> when it is not one.</summary>
    public static IReadOnlyList<Resource> Read(byte[] export)
    {
        var resources = new List<Resource>();
        foreach (var (field, value) in Fields(ByteString.CopyFrom(export)))
        {
            if (field == 1) resources.Add(ReadResourceSpans(value)); // resource_spans
        }
        return resources;
    }

    private static Resource ReadResourceSpans(ByteString message)
    {
        string? serviceName = null;
        var spans = new List<Span>();
        foreach (var (field, value) in Fields(message))
        {
            switch (field)
            {
                case 1: // resource
                    foreach (var (resourceField, attribute) in Fields(value))
                    {
                        if (resourceField == 1 && ReadAttribute(attribute) is ("service.name", var name)) serviceName = name;
                    }
                    break;
                case 2: // scope_spans
                    foreach (var (scopeField, span) in Fields(value))
                    {
                        if (scopeField == 2) spans.Add(ReadSpan(span));
                    }
                    break;
            }
        }
        return new Resource(serviceName, spans);
    }

    private static Span ReadSpan(ByteString message)
    {
        string traceId = "", spanId = "", name = "";
        string? parentSpanId = null;
        ulong start = 0, end = 0;
        var attributes = new Dictionary<string, string>();
        var input = message.CreateCodedInput();
        while (input.ReadTag() is var tag and not 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag))
            {
                case (1, WireFormat.WireType.LengthDelimited): traceId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case (2, WireFormat.WireType.LengthDelimited): spanId = Convert.ToHexStringLower(input.ReadBytes().Span); break;
                case (4, WireFormat.WireType.LengthDelimited):
                    var parent = input.ReadBytes();
                    parentSpanId = parent.IsEmpty ? null : Convert.ToHexStringLower(parent.Span);
                    break;
                case (5, WireFormat.WireType.LengthDelimited): name = input.ReadString(); break;
                case (7, WireFormat.WireType.Fixed64): start = input.ReadFixed64(); break;
                case (8, WireFormat.WireType.Fixed64): end = input.ReadFixed64(); break;
                case (9, WireFormat.WireType.LengthDelimited):
                    if (ReadAttribute(input.ReadBytes()) is ({ } key, { } value)) attributes[key] = value;
                    break;
                default: input.SkipLastField(); break;
            }
        }
        return new Span(traceId, spanId, parentSpanId, name, FromUnixNanoseconds(start), FromUnixNanoseconds(end), attributes);
    }

    /// <summary>A KeyValue whose value is a string, an integer or a boolean (others read as no value).</summary>
    private static (string? Key, string? Value) ReadAttribute(ByteString message)
    {
        string? key = null, value = null;
        foreach (var (field, content) in Fields(message))
        {
            if (field == 1) key = content.ToStringUtf8();
            if (field != 2) continue;
            var any = content.CreateCodedInput();
            while (any.ReadTag() is var tag and not 0)
            {
                switch (WireFormat.GetTagFieldNumber(tag), WireFormat.GetTagWireType(tag))
                {
                    case (1, WireFormat.WireType.LengthDelimited): value = any.ReadString(); break;
                    case (2, WireFormat.WireType.Varint): value = any.ReadBool() ? "true" : "false"; break;
                    case (3, WireFormat.WireType.Varint): value = any.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture); break;
                    default: any.SkipLastField(); break;
                }
            }
        }
        return (key, value);
    }

    /// <summary>A message's length-delimited fields (sub-messages, strings, bytes); the others are skipped.</summary>
    private static IEnumerable<(int Field, ByteString Value)> Fields(ByteString message)
    {
        var input = message.CreateCodedInput();
        while (input.ReadTag() is var tag and not 0)
        {
            if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                yield return (WireFormat.GetTagFieldNumber(tag), input.ReadBytes());
            }
            else
            {
                input.SkipLastField();
            }
        }
    }

    private static DateTime FromUnixNanoseconds(ulong nanoseconds) =>
        DateTime.UnixEpoch.AddTicks((long)Math.Min(nanoseconds / 100, (ulong)(DateTime.MaxValue - DateTime.UnixEpoch).Ticks));
}
