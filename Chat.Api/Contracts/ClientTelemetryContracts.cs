namespace Chat.Api.Contracts;

/// <summary>How much of what its user does the web client traces (0: nothing; 1: everything).</summary>
public sealed record ClientTelemetrySettings(double SampleRatio);
