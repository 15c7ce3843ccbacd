namespace Fhir.Path;

/// <summary>The terminology operations FHIRPath needs (<c>memberOf()</c>); the validation layer can supply its own.</summary>
public interface ITerminologyService
{
    /// <summary>Whether a code is in a value set.</summary>
    /// <param name="valueSetUrl">The canonical URL of the value set (a <c>|version</c> suffix is allowed).</param>
    /// <param name="system">The code system, or null for a bare code.</param>
    /// <param name="code">The code.</param>
    /// <returns>True or false, or null when the value set or code system is not known well enough to tell.</returns>
    bool? IsMember(string valueSetUrl, string? system, string code);
}
