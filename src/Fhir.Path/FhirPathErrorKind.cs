namespace Fhir.Path;

/// <summary>When a FHIRPath expression failed.</summary>
public enum FhirPathErrorKind
{
    /// <summary>The text is not a FHIRPath expression (found while parsing).</summary>
    Syntax,
    /// <summary>The expression parses but cannot be right for the types involved (found while compiling, before evaluation).</summary>
    Semantic,
    /// <summary>The evaluation failed on the data (<c>single()</c> of two items, a string function applied to a number...).</summary>
    Execution,
}
