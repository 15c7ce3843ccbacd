using Fhir.Core.Model;

namespace Fhir.Path.Patch;

/// <summary>
/// The outcome of <see cref="FhirPathPatch.Apply"/>: the patched resource (a new tree), or why the patch could not be
/// applied. Failures are values; nothing of the input is changed either way.
/// </summary>
public sealed class FhirPathPatchResult
{
    private FhirPathPatchResult(ElementNode? resource, string? error, int operationIndex, string? location, bool isMalformed, bool isTooLarge = false)
    {
        IsTooLarge = isTooLarge;
        Resource = resource;
        Error = error;
        OperationIndex = operationIndex;
        Location = location;
        IsMalformed = isMalformed;
    }

    /// <summary>True when every operation was applied.</summary>
    public bool IsSuccess => Resource is not null;

    /// <summary>The patched resource: a copy of the input with every operation applied. Null on failure.</summary>
    public ElementNode? Resource { get; }

    /// <summary>What went wrong, naming the operation (<c>operation 1 (replace 'Patient.birthDate'): ...</c>); null on success.</summary>
    public string? Error { get; }

    /// <summary>The 0-based index of the failing operation (its <c>Parameters.parameter</c>); -1 on success or when the whole patch is unusable.</summary>
    public int OperationIndex { get; }

    /// <summary>
    /// Where the problem is, as a FHIRPath expression: in the patch (<c>Parameters.parameter[1].part[2]</c>) when the
    /// patch itself is at fault, else in the resource (<c>Patient.name[0]</c>) or the operation's path; null when unknown.
    /// </summary>
    public string? Location { get; }

    /// <summary>
    /// True when the <c>Parameters</c> are not a well-formed FHIRPath Patch (missing or unknown parts, an unknown operation
    /// type, a path that does not compile): the client's syntax error (HTTP 400). False when a well-formed patch cannot
    /// apply to this resource (HTTP 422).
    /// </summary>
    public bool IsMalformed { get; }

    /// <summary>
    /// True when an operation would have made the resource larger (bytes or elements) or deeper than the limits given to
    /// <see cref="FhirPathPatch.Apply"/> (HTTP 413); <see cref="OperationIndex"/> names it.
    /// </summary>
    public bool IsTooLarge { get; }

    internal static FhirPathPatchResult Success(ElementNode resource) => new(resource, null, -1, null, false);

    internal static FhirPathPatchResult Failure(PatchFailure failure) =>
        new(null, failure.Message, failure.OperationIndex, failure.Location, failure.IsMalformed, failure.IsTooLarge);
}
