using System.Text.Json.Nodes;

namespace Fhir.Cli.Import;

/// <summary>A resource the server (or the reader, for input that is not a resource) did not accept, as the report lists it.</summary>
/// <param name="File">The input file.</param>
/// <param name="Line">Its line in an NDJSON file, or its entry index in a Bundle file.</param>
/// <param name="ResourceType">Its type, when known.</param>
/// <param name="Id">Its id, when it has one.</param>
/// <param name="Reason">The first issue, or what was wrong with the input.</param>
/// <param name="Outcome">The server's OperationOutcome, when it gave one.</param>
/// <param name="Status">The HTTP status of the entry, when the server answered.</param>
internal sealed record Rejection(string File, long Line, string? ResourceType, string? Id, string Reason, JsonNode? Outcome, string? Status = null);
