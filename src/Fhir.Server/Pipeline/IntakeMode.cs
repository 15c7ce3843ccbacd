namespace Fhir.Server.Pipeline;

/// <summary>How resources sent to the server are read (<c>Fhir:Intake</c>, <c>Auth:Clients:&lt;n&gt;:Intake</c>).</summary>
public enum IntakeMode
{
    /// <summary>An unknown element or choice type refuses the request, with its path (the default).</summary>
    Strict,

    /// <summary>
    /// Unknown elements and choice types are dropped, each reported as a warning with its path; the body as sent is kept
    /// (a Binary, linked from a Provenance for the resources written from it). Validation errors stay errors.
    /// </summary>
    Lenient,
}
