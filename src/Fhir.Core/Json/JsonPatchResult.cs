using System.Text.Json.Nodes;

namespace Fhir.Core.Json;

/// <summary>Why a JSON Patch could not be applied.</summary>
public enum JsonPatchErrorKind
{
    /// <summary>The patch was applied.</summary>
    None,

    /// <summary>The patch is malformed: not a JSON array of operation objects, an unknown <c>op</c>, a missing or
    /// ill-typed member, or a syntactically invalid JSON Pointer (HTTP 400).</summary>
    InvalidPatch,

    /// <summary>An operation does not fit the document: a missing target or parent, an array index out of bounds,
    /// a path through a primitive, or a move into the moved value's own children (HTTP 422 or 409).</summary>
    InvalidTarget,

    /// <summary>A <c>test</c> operation found a different value (HTTP 422 or 409).</summary>
    TestFailed,

    /// <summary>An operation would make the document larger than <see cref="PatchLimits.MaxBytes"/> or
    /// <see cref="PatchLimits.MaxNodes"/> (HTTP 413).</summary>
    TooLarge,

    /// <summary>An operation would nest the document deeper than <see cref="PatchLimits.MaxDepth"/> (HTTP 422).</summary>
    TooDeep,
}

/// <summary>The outcome of <see cref="JsonPatch.Apply(JsonNode?, ReadOnlySpan{byte}, PatchLimits?)"/>: the patched document, or which operation failed and why.</summary>
public sealed class JsonPatchResult
{
    private JsonPatchResult(JsonNode? document, JsonPatchErrorKind kind, int operationIndex, string? error, string? path = null)
    {
        Document = document;
        ErrorKind = kind;
        OperationIndex = operationIndex;
        Error = error;
        Path = path;
    }

    /// <summary>True when every operation was applied.</summary>
    public bool IsSuccess => ErrorKind == JsonPatchErrorKind.None;

    /// <summary>The patched document (a new tree; null also stands for a JSON <c>null</c> document). Null on failure.</summary>
    public JsonNode? Document { get; }

    /// <summary>What went wrong, <see cref="JsonPatchErrorKind.None"/> on success.</summary>
    public JsonPatchErrorKind ErrorKind { get; }

    /// <summary>The zero-based index of the failing operation; -1 on success or when the patch as a whole is unusable.</summary>
    public int OperationIndex { get; }

    /// <summary>A human-readable explanation of the failure, or null on success.</summary>
    public string? Error { get; }

    /// <summary>The failing operation's target (its <c>path</c>, a JSON Pointer) when a limit stopped it; null otherwise.</summary>
    public string? Path { get; }

    internal static JsonPatchResult Success(JsonNode? document) => new(document, JsonPatchErrorKind.None, -1, null);

    internal static JsonPatchResult Failure(JsonPatchErrorKind kind, int index, string error, string? path = null) => new(null, kind, index, error, path);
}
