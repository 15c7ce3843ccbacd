namespace Fhir.Path.Patch;

/// <summary>The five FHIRPath Patch operation types (<c>http://hl7.org/fhir/patch-operation</c>).</summary>
internal enum PatchOperationType { Add, Insert, Delete, Replace, Move }
