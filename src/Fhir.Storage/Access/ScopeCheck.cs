using Fhir.Search.Queries;

namespace Fhir.Storage.Access;

/// <summary>
/// The types a search runs on and traverses, checked against a <see cref="ReadScope"/> before any statement runs:
/// the searched type (or the types of a system-level search), the targets of every chain and the sources of every
/// <c>_has</c>, at every depth. One place, whatever asked for the search (a REST search, a Bundle entry, a
/// conditional create, update, delete or reference, an operation).
/// </summary>
public static class ScopeCheck
{
    /// <summary>Throws <see cref="ScopeViolationException"/> when <paramref name="query"/> reaches a type <paramref name="scope"/> may not search.</summary>
    public static void Search(SearchQuery query, ReadScope scope)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.SearchTypes is null) return;
        if (query.ResourceType is { } type)
        {
            Require(type, type, scope);
        }
        else if (query.ResourceTypes is { } types)
        {
            foreach (var listed in types) Require(listed, "_type", scope);
        }
        foreach (var criterion in query.Criteria) Criterion(criterion, scope);
    }

    private static void Criterion(SearchCriterion criterion, ReadScope scope)
    {
        foreach (var value in criterion.Values)
        {
            switch (value)
            {
                case ChainSearchValue chain:
                    // A chain whose target types are open reaches every type.
                    if (chain.TargetTypes.Count == 0) Require("*", criterion.Code, scope);
                    foreach (var target in chain.TargetTypes) Require(target, criterion.Code, scope);
                    Criterion(chain.Inner, scope);
                    break;
                case ReverseChainSearchValue has:
                    Require(has.SourceType, "_has:" + has.SourceType + ":" + has.ReferenceCode, scope);
                    Criterion(has.Inner, scope);
                    break;
                case CompositeSearchValue composite:
                    foreach (var component in composite.Components) Criterion(component, scope);
                    break;
            }
        }
    }

    private static void Require(string type, string via, ReadScope scope)
    {
        if (!scope.MaySearch(type)) throw new ScopeViolationException(type == "*" ? "every resource type" : type, via);
    }
}
