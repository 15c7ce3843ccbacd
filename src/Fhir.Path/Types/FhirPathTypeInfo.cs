namespace Fhir.Path.Types;

/// <summary>The result of <c>type()</c>: a type's namespace (<c>System</c> or <c>FHIR</c>) and name, navigable as <c>.namespace</c> and <c>.name</c>.</summary>
/// <param name="Namespace"><c>System</c> or <c>FHIR</c>.</param>
/// <param name="Name">The type name: <c>Integer</c>, <c>boolean</c>, <c>Patient</c>.</param>
/// <param name="BaseType">The qualified name of the base type (<c>FHIR.DomainResource</c>), or null.</param>
public sealed record FhirPathTypeInfo(string Namespace, string Name, string? BaseType)
{
    /// <summary>The qualified name: <c>System.Integer</c>, <c>FHIR.Patient</c>.</summary>
    public override string ToString() => Namespace + "." + Name;
}
