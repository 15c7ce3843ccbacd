namespace Fhir.Storage.Security;

/// <summary>A shared counter's value and when it last grew.</summary>
/// <param name="Key">The counter.</param>
/// <param name="Value">Its value.</param>
/// <param name="Touched">When it last grew.</param>
public sealed record SharedCounter(string Key, long Value, DateTimeOffset Touched);
