namespace Fhir.Core.Json;

/// <summary>
/// Options of <see cref="FhirJsonWriter"/>. <see cref="Summary"/> and <see cref="Elements"/> subset the
/// resource written, or, when it is a Bundle, each <c>Bundle.entry.resource</c> (a search or history page);
/// a subsetted resource gets the <c>SUBSETTED</c> tag in <c>meta.tag</c>, as the specification asks.
/// </summary>
public sealed record FhirJsonWriterOptions
{
    /// <summary>Pretty-print with two-space indentation; compact when false (the default).</summary>
    public bool Indented { get; init; }

    /// <summary>The <c>_summary</c> mode; <see cref="SummaryMode.False"/> writes everything.</summary>
    public SummaryMode Summary { get; init; } = SummaryMode.False;

    /// <summary>
    /// The <c>_elements</c> parameter: the top-level element names kept (choice elements by their name,
    /// <c>value</c>, or a JSON name, <c>valueQuantity</c>); <c>id</c>, <c>meta</c> and mandatory elements are
    /// always kept. Null keeps everything. When set, <see cref="Summary"/> is not applied.
    /// </summary>
    public IReadOnlySet<string>? Elements { get; init; }

    /// <summary>Compact, whole resources.</summary>
    public static FhirJsonWriterOptions Default { get; } = new();
}
