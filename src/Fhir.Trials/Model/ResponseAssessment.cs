namespace Fhir.Trials.Model;

/// <summary>A RECIST 1.1 response category.</summary>
public enum Response
{
    /// <summary>Complete response.</summary>
    CR,
    /// <summary>Partial response.</summary>
    PR,
    /// <summary>Stable disease.</summary>
    SD,
    /// <summary>Progressive disease.</summary>
    PD,
    /// <summary>Not evaluable.</summary>
    NE,
}

/// <summary>One time-point response assessment.</summary>
/// <param name="Date">The assessment date.</param>
/// <param name="Value">The response.</param>
/// <param name="Id">The Observation's logical id, or null (built by hand).</param>
public readonly record struct ResponseAssessment(DateOnly Date, Response Value, string? Id = null);
