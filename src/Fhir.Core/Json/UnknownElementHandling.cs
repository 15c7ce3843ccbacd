namespace Fhir.Core.Json;

/// <summary>What a reader does with an element the FHIR definitions do not have (an unknown name or choice type).</summary>
public enum UnknownElementHandling
{
    /// <summary>The element is an error: the resource is refused (the default, and what the specification asks of a strict server).</summary>
    Error,

    /// <summary>The element is left out of the tree and reported as a warning with its path (lenient intake).</summary>
    Drop,
}
