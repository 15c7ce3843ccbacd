namespace Fhir.Core.Json;

/// <summary>The FHIR <c>_summary</c> modes the writer applies (<c>count</c> is a search matter, not a writer one).</summary>
public enum SummaryMode
{
    /// <summary>The whole resource.</summary>
    False,
    /// <summary>Only the elements marked <c>isSummary</c> in the base definitions, at every level.</summary>
    True,
    /// <summary>Only <c>text</c>, <c>id</c>, <c>meta</c> and the mandatory top-level elements.</summary>
    Text,
    /// <summary>Everything but the top-level <c>text</c>.</summary>
    Data,
}
