namespace Fhir.Storage.Access;

/// <summary>
/// A search asked to run on or traverse a type outside its <see cref="ReadScope.SearchTypes"/>. Thrown before any
/// statement runs, so that the refusal does not depend on the data.
/// </summary>
/// <param name="type">The type the search would have reached.</param>
/// <param name="via">What reached it: the parameter (<c>subject:Patient.name</c>, <c>_has:AuditEvent:entity:altid</c>) or the searched type itself.</param>
public sealed class ScopeViolationException(string type, string via)
    : Exception($"The search reaches {type} (through '{via}'), which the reader may not search.")
{
    /// <summary>The type reached.</summary>
    public string Type { get; } = type;

    /// <summary>The parameter, or the search itself, that reached it.</summary>
    public string Via { get; } = via;
}
