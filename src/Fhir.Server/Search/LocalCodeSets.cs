using Fhir.Search.Queries;
using Fhir.Validation;

namespace Fhir.Server.Search;

/// <summary>
/// The validator's local terminology as the code sets of token <c>:in</c>, <c>:not-in</c>, <c>:below</c> and
/// <c>:above</c>: ValueSets and CodeSystems the server holds (R4 core, packages, <c>profiles/</c>, written ones).
/// </summary>
internal sealed class LocalCodeSets(ResourceValidator validator) : ICodeSets
{
    public IReadOnlyCollection<CodeSetMember>? Expand(string valueSetUrl) =>
        validator.ValueSetCodes(valueSetUrl) is { } codes ? [.. codes.Select(c => new CodeSetMember(c.System, c.Code))] : null;

    public IReadOnlyCollection<CodeSetMember>? Related(string system, string code, SubsumptionDirection direction) =>
        validator.RelatedCodes(system, code, direction == SubsumptionDirection.Below) is { } codes
            ? [.. codes.Select(c => new CodeSetMember(system, c))]
            : null;
}
