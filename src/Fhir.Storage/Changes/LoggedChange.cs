namespace Fhir.Storage.Changes;

/// <summary>One resource of one logged change, with its state now.</summary>
/// <param name="Seq">The change's number (several resources written in one transaction share it).</param>
/// <param name="Type">The resource type.</param>
/// <param name="Id">The logical id.</param>
/// <param name="VersionId">The current version number (0 when the resource is not there at all).</param>
/// <param name="Json">The current version's JSON; null when the resource is deleted.</param>
public sealed record LoggedChange(long Seq, string Type, string Id, int VersionId, ReadOnlyMemory<byte>? Json);
