using Fhir.Core.Json;
using Fhir.Core.Model;

namespace Fhir.Path.Tests.Unit;

/// <summary>Helpers for the unit tests: evaluate an expression, build an instance tree from JSON.</summary>
internal static class Fp
{
    public static IReadOnlyList<object> Eval(string expression, ElementNode? input = null, EvaluationContext? context = null, CompileOptions? options = null) =>
        FhirPathCompiler.Compile(expression, options).Evaluate(input, context);

    /// <summary>The single result as a system value (a primitive node gives its value).</summary>
    public static object? Value(string expression, ElementNode? input = null, EvaluationContext? context = null) =>
        FhirPathCompiler.Compile(expression).Scalar(input, context);

    public static bool? Bool(string expression, ElementNode? input = null, EvaluationContext? context = null) =>
        FhirPathCompiler.Compile(expression).EvaluateBoolean(input, context);

    public static FhirPathException Error(string expression, ElementNode? input = null, CompileOptions? options = null, EvaluationContext? context = null) =>
        Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile(expression, options).Evaluate(input, context));

    public static ElementNode Resource(string json)
    {
        var result = FhirJsonReader.Parse(json);
        Assert.True(result.Resource is not null, string.Join("; ", result.Issues));
        return result.Resource!;
    }

    public static readonly Lazy<ElementNode> PatientLazy = new(() => Resource("""
        {
          "resourceType": "Patient",
          "id": "p1",
          "active": true,
          "name": [
            { "use": "official", "family": "Chalmers", "given": ["Peter", "James"] },
            { "use": "usual", "given": ["Jim"] }
          ],
          "gender": "male",
          "birthDate": "1974-12-25",
          "_birthDate": { "extension": [ { "url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime", "valueDateTime": "1974-12-25T14:35:45-05:00" } ] },
          "telecom": [ { "system": "phone", "value": "555-1234", "use": "home" } ],
          "contained": [ { "resourceType": "Organization", "id": "org1", "name": "Acme" } ],
          "managingOrganization": { "reference": "#org1" }
        }
        """));

    public static ElementNode Patient => PatientLazy.Value;

    public static readonly Lazy<ElementNode> ObservationLazy = new(() => Resource("""
        {
          "resourceType": "Observation",
          "id": "o1",
          "status": "final",
          "code": { "coding": [ { "system": "http://loinc.org", "code": "29463-7" } ] },
          "subject": { "reference": "Patient/p1" },
          "effectiveDateTime": "2016-03-28T10:00:00Z",
          "valueQuantity": { "value": 185, "unit": "lbs", "system": "http://unitsofmeasure.org", "code": "[lb_av]" },
          "component": [
            { "code": { "text": "a" }, "valueString": "x" },
            { "code": { "text": "b" }, "valueQuantity": { "value": 1.5, "system": "http://unitsofmeasure.org", "code": "kg" } }
          ]
        }
        """));

    public static ElementNode Observation => ObservationLazy.Value;
}
