namespace Fhir.Search.Queries;

/// <summary>
/// How large a search may be; a larger one is refused (400, <c>too-costly</c> or <c>too-long</c>, naming the limit and
/// the parameter) before anything runs. The store runs a search as one SQL statement, and these bounds keep every
/// statement within what both databases take: at the <see cref="Ceiling"/> a search binds fewer than SQLite's 32,766
/// variables (PostgreSQL takes 65,535), its LIKE patterns stay under SQLite's 50,000 bytes, and both databases prepare
/// it in well under a second (PostgreSQL's planning time grows faster than the number of subqueries: 100 ANDed criteria
/// took 1.7 s, 300 never finished; SQLite's grows with the square of the parameters).
/// </summary>
public sealed record SearchLimits
{
    /// <summary>The defaults.</summary>
    public static SearchLimits Default { get; } = new();

    /// <summary>The largest limits the stores are tested at; <see cref="Validate"/> refuses more.</summary>
    public static SearchLimits Ceiling { get; } = new() { MaxCriteria = 64, MaxValuesPerCriterion = 1_000, MaxValues = 1_000, MaxValueLength = 16_000 };

    /// <summary>
    /// Most criteria in one search: each parameter counts one, and so does each further link of a chain or
    /// <c>_has</c> (<c>subject:Patient.organization.name</c> is three) and each <c>_sort</c> key. Default 32.
    /// </summary>
    public int MaxCriteria { get; init; } = 32;

    /// <summary>Most alternatives of one parameter (<c>code=a,b,c</c>; a <c>:in</c> value set counts what it expands to). Default 500.</summary>
    public int MaxValuesPerCriterion { get; init; } = 500;

    /// <summary>Most values in the whole search (each component of a composite value counts one). Default 1,000.</summary>
    public int MaxValues { get; init; } = 1_000;

    /// <summary>Longest value, in characters (one alternative, as written in the query). Default 4,096.</summary>
    public int MaxValueLength { get; init; } = 4_096;

    /// <summary>Throws when a limit is below 1 or above the <see cref="Ceiling"/>.</summary>
    public void Validate()
    {
        var ceiling = Ceiling;
        if (MaxCriteria is < 1 || MaxCriteria > ceiling.MaxCriteria
            || MaxValuesPerCriterion < 1 || MaxValuesPerCriterion > ceiling.MaxValuesPerCriterion
            || MaxValues < 1 || MaxValues > ceiling.MaxValues
            || MaxValueLength < 1 || MaxValueLength > ceiling.MaxValueLength)
        {
            throw new InvalidOperationException(
                $"Search limits out of range: criteria 1..{ceiling.MaxCriteria}, values per parameter 1..{ceiling.MaxValuesPerCriterion}, "
                + $"values 1..{ceiling.MaxValues}, value length 1..{ceiling.MaxValueLength}.");
        }
    }
}
