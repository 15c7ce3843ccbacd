namespace Fhir.Validation;

/// <summary>How a <see cref="ResourceValidator"/> checks coded values against their bindings.</summary>
public enum TerminologyMode
{
    /// <summary>
    /// Against value sets expanded locally from the conformance source. Codes of code systems that are not held
    /// (LOINC, SNOMED CT, MedDRA...) are accepted with an informational issue saying they could not be checked.
    /// </summary>
    Local,

    /// <summary>Bindings are not checked at all (bulk loads of data already validated elsewhere).</summary>
    Off,
}
