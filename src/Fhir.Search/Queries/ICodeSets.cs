namespace Fhir.Search.Queries;

/// <summary>
/// The terminology that token modifiers <c>:in</c>, <c>:not-in</c>, <c>:below</c> and <c>:above</c> need: the codes of a
/// ValueSet and the subsumption hierarchy of a CodeSystem. The parser expands them into plain system|code
/// alternatives, so the store never sees terminology.
/// </summary>
public interface ICodeSets
{
    /// <summary>The codes of the ValueSet with this canonical URL (a version may follow a bar), or null when it is unknown.</summary>
    IReadOnlyCollection<CodeSetMember>? Expand(string valueSetUrl);

    /// <summary>
    /// <paramref name="code"/> and the codes it subsumes (<see cref="SubsumptionDirection.Below"/>) or that subsume it
    /// (<see cref="SubsumptionDirection.Above"/>) in <paramref name="system"/>, or null when the system or code is unknown.
    /// </summary>
    IReadOnlyCollection<CodeSetMember>? Related(string system, string code, SubsumptionDirection direction);
}

/// <summary>One code of a code set.</summary>
public sealed record CodeSetMember(string System, string Code);

/// <summary>Which way <see cref="ICodeSets.Related"/> walks a hierarchy.</summary>
public enum SubsumptionDirection
{
    /// <summary>The code and its descendants.</summary>
    Below,
    /// <summary>The code and its ancestors.</summary>
    Above,
}
