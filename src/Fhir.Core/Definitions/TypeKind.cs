namespace Fhir.Core.Definitions;

/// <summary>What a <see cref="TypeDefinition"/> describes.</summary>
public enum TypeKind
{
    /// <summary>A FHIRPath system type (<c>System.String</c>...), the value inside FHIR primitives and of <c>Element.id</c>/<c>Extension.url</c>.</summary>
    System,
    /// <summary>A FHIR primitive type (<c>string</c>, <c>decimal</c>, <c>dateTime</c>...).</summary>
    Primitive,
    /// <summary>A FHIR complex data type (<c>Quantity</c>, <c>Coding</c>...).</summary>
    Complex,
    /// <summary>A resource type.</summary>
    Resource,
    /// <summary>An element defined inline in a resource or data type (<c>Observation.component</c>).</summary>
    Backbone,
    /// <summary>A logical model.</summary>
    Logical,
}
