namespace Fhir.Server.Search;

/// <summary>The <c>_summary</c> parameter of a search (FHIR R4 Search §3.1.1.5.8).</summary>
internal enum SummaryChoice
{
    /// <summary>Not given: whole resources.</summary>
    None,
    /// <summary><c>true</c>: only the summary elements.</summary>
    True,
    /// <summary><c>text</c>: text, id, meta and mandatory elements.</summary>
    Text,
    /// <summary><c>data</c>: all but the narrative.</summary>
    Data,
    /// <summary><c>count</c>: only <c>Bundle.total</c>.</summary>
    Count,
    /// <summary><c>false</c>: whole resources.</summary>
    False,
}
