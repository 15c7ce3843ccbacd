namespace Fhir.Search.Queries;

/// <summary>What <see cref="SearchQueryParser"/> needs besides the parameters and the registry.</summary>
public sealed record SearchParseOptions
{
    /// <summary>What to do with unsupported parameters.</summary>
    public HandlingMode Handling { get; init; } = HandlingMode.Lenient;

    /// <summary>Page size when <c>_count</c> is absent.</summary>
    public int DefaultCount { get; init; } = 20;

    /// <summary>The largest page size; a larger <c>_count</c> is reduced to it.</summary>
    public int MaxCount { get; init; } = 1000;

    /// <summary>
    /// This server's FHIR base URL (<c>http://host/fhir</c>), so that a reference searched as an absolute URL on this
    /// server (<c>subject=http://host/fhir/Patient/1</c>) matches the local reference <c>Patient/1</c>. Null: none.
    /// </summary>
    public string? BaseUrl { get; init; }

    /// <summary>How large a search may be; larger ones get an error issue naming the limit and the parameter.</summary>
    public SearchLimits Limits { get; init; } = SearchLimits.Default;

    /// <summary>ValueSets and CodeSystems for <c>:in</c>, <c>:not-in</c>, <c>:below</c>, <c>:above</c> on tokens; null: those modifiers are not supported.</summary>
    public ICodeSets? CodeSets { get; init; }
}
