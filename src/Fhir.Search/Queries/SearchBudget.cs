using System.Globalization;
using Fhir.Core.Outcomes;

namespace Fhir.Search.Queries;

/// <summary>
/// What one search has used of its <see cref="SearchLimits"/>, counted while it is parsed. The first limit crossed is
/// reported once, as an error naming the limit and the parameter; after that <see cref="Exceeded"/> stops the parse.
/// </summary>
internal sealed class SearchBudget(SearchLimits limits, List<Issue> issues)
{
    private int criteria;
    private int values;

    /// <summary>True once a limit was crossed: the search is refused, and the rest need not be parsed.</summary>
    public bool Exceeded { get; private set; }

    /// <summary>Counts one criterion (a parameter, a link of a chain or <c>_has</c>, a <c>_sort</c> key); false beyond the limit.</summary>
    public bool TakeCriterion(string rawName)
    {
        if (Exceeded)
        {
            return false;
        }
        if (++criteria <= limits.MaxCriteria)
        {
            return true;
        }
        return Refuse(IssueType.TooCostly, rawName,
            $"The search has more than {N(limits.MaxCriteria)} criteria, the most this server runs in one search (each parameter, each further link of a chain or _has, and each _sort key counts one); '{rawName}' is past the limit.");
    }

    /// <summary>Counts <paramref name="count"/> alternatives of one parameter; false beyond either value limit.</summary>
    public bool TakeValues(int count, string rawName)
    {
        if (Exceeded)
        {
            return false;
        }
        if (count > limits.MaxValuesPerCriterion)
        {
            return Refuse(IssueType.TooCostly, rawName,
                $"The parameter '{rawName}' has {N(count)} values; this server takes at most {N(limits.MaxValuesPerCriterion)} values in one parameter.");
        }
        return TakeTotal(count, rawName);
    }

    /// <summary>Counts values that one value turns into (the components of a composite) beyond the one already taken.</summary>
    public bool TakeExtraValues(int count, string rawName) => count <= 0 || TakeTotal(count, rawName);

    /// <summary>Checks the length of one value as written; false when it is longer than the limit.</summary>
    public bool CheckLength(string value, string rawName)
    {
        if (Exceeded)
        {
            return false;
        }
        if (value.Length <= limits.MaxValueLength)
        {
            return true;
        }
        return Refuse(IssueType.TooLong, rawName,
            $"A value of '{rawName}' has {N(value.Length)} characters; this server takes values of at most {N(limits.MaxValueLength)} characters.");
    }

    private bool TakeTotal(int count, string rawName)
    {
        if (Exceeded)
        {
            return false;
        }
        values += count;
        return values <= limits.MaxValues || Refuse(IssueType.TooCostly, rawName,
            $"The search has more than {N(limits.MaxValues)} values in all, the most this server takes in one search; '{rawName}' is past the limit.");
    }

    private bool Refuse(IssueType type, string rawName, string message)
    {
        Exceeded = true;
        issues.Add(Issue.Error(type, message, rawName));
        return false;
    }

    private static string N(int n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
