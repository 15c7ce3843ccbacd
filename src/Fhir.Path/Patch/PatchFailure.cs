namespace Fhir.Path.Patch;

/// <summary>Why a patch failed, as it travels back to the entry point.</summary>
/// <param name="Message">The full message, naming the operation.</param>
/// <param name="Location">The FHIRPath location of the problem, or null.</param>
/// <param name="IsMalformed">True for a patch that is not well formed (as opposed to one that does not fit the resource).</param>
/// <param name="OperationIndex">The failing operation, or -1.</param>
internal sealed record PatchFailure(string Message, string? Location, bool IsMalformed, int OperationIndex = -1)
{
    /// <summary>True when the operation would make the resource larger than the patch's limits allow.</summary>
    public bool IsTooLarge { get; init; }
}
