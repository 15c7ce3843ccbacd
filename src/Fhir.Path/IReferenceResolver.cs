using Fhir.Core.Model;

namespace Fhir.Path;

/// <summary>
/// Resolves references that are neither contained resources nor entries of the enclosing Bundle (which
/// <c>resolve()</c> finds by itself): typically a server's own store.
/// </summary>
public interface IReferenceResolver
{
    /// <summary>The resource a reference points to, or null when it cannot be resolved.</summary>
    /// <param name="reference">The reference as written: <c>Patient/123</c>, <c>http://server/fhir/Patient/123</c>, <c>urn:uuid:...</c>.</param>
    /// <param name="source">The node holding the reference (a Reference or a uri/canonical value), to resolve relative to.</param>
    ElementNode? Resolve(string reference, ElementNode? source);
}
