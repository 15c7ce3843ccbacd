using Fhir.Core.Model;

namespace Fhir.Path.Tests.Unit;

public sealed class FhirFunctionTests
{
    private sealed class FakeResolver(ElementNode target) : IReferenceResolver
    {
        public List<string> Asked { get; } = [];

        public ElementNode? Resolve(string reference, ElementNode? source)
        {
            Asked.Add(reference);
            return reference == "Patient/p1" ? target : null;
        }
    }

    [Fact]
    public void Resolve_finds_contained_resources() =>
        Assert.Equal("Acme", Fp.Value("Patient.managingOrganization.resolve().name", Fp.Patient));

    [Fact]
    public void Resolve_finds_entries_of_the_enclosing_bundle()
    {
        var bundle = Fp.Resource("""
            {"resourceType":"Bundle","type":"collection","entry":[
              {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"a"}},
              {"fullUrl":"http://x/fhir/Observation/2","resource":{"resourceType":"Observation","id":"2","status":"final","code":{"text":"t"},
                "subject":{"reference":"urn:uuid:1"},"performer":[{"reference":"Patient/a"},{"reference":"Practitioner?identifier=x"}]}}]}
            """);
        var observation = bundle.Children.Last().Child("resource")!;
        Assert.True(Fp.Bool("Observation.subject.resolve() is Patient", observation));
        Assert.Equal(1, Fp.Value("Observation.performer.resolve().count()", observation));
    }

    [Fact]
    public void Resolve_asks_the_context_resolver_for_other_references()
    {
        var resolver = new FakeResolver(Fp.Patient);
        var context = new EvaluationContext { Resolver = resolver };
        Assert.True(Fp.Bool("Observation.subject.where(resolve() is Patient).exists()", Fp.Observation, context));
        Assert.Equal(["Patient/p1"], resolver.Asked);
    }

    [Fact]
    public void MemberOf_uses_the_value_sets_of_the_definitions()
    {
        Assert.True(Fp.Bool("Patient.gender.memberOf('http://hl7.org/fhir/ValueSet/administrative-gender')", Fp.Patient));
        Assert.False(Fp.Bool("'robot'.memberOf('http://hl7.org/fhir/ValueSet/administrative-gender')"));
        // LOINC is not held locally: membership is unknown, so the result is empty.
        Assert.Empty(Fp.Eval("Observation.code.memberOf('http://hl7.org/fhir/ValueSet/observation-codes')", Fp.Observation));
    }

    [Fact]
    public void ConformsTo_checks_type_definitions_and_fails_for_unknown_profiles()
    {
        Assert.True(Fp.Bool("conformsTo('http://hl7.org/fhir/StructureDefinition/Patient')", Fp.Patient));
        Assert.True(Fp.Bool("conformsTo('http://hl7.org/fhir/StructureDefinition/DomainResource')", Fp.Patient));
        Assert.False(Fp.Bool("conformsTo('http://hl7.org/fhir/StructureDefinition/Person')", Fp.Patient));
        Assert.Equal(FhirPathErrorKind.Execution, Fp.Error("conformsTo('http://example.org/unknown')", Fp.Patient).Kind);
    }

    [Fact]
    public void ConformsTo_checks_the_cardinalities_of_a_constraining_profile()
    {
        // The vital signs profile requires a category, a subject and an effective time: this observation has none of them.
        Assert.False(Fp.Bool("conformsTo('http://hl7.org/fhir/StructureDefinition/vitalsigns')", Fp.Resource("""
            {"resourceType":"Observation","status":"final","code":{"text":"x"}}
            """)));
    }

    [Theory]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Hello <b>there</b></p></div>", true)]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\">   </div>", false)]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></div>", false)]
    [InlineData("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p onclick=\"x()\">a</p></div>", false)]
    [InlineData("<div>no namespace</div>", false)]
    public void HtmlChecks_accepts_only_safe_narrative(string xhtml, bool expected)
    {
        var div = System.Text.Json.JsonSerializer.Serialize(xhtml);
        var patient = Fp.Resource("{\"resourceType\":\"Patient\",\"text\":{\"status\":\"generated\",\"div\":" + div + "}}");
        Assert.Equal(expected, Fp.Bool("Patient.text.div.htmlChecks()", patient));
    }

    [Fact]
    public void Trace_reports_to_the_context_sink_and_passes_its_input_on()
    {
        var traced = new List<(string, int)>();
        var context = new EvaluationContext { Trace = (name, values) => traced.Add((name, values.Count)) };
        Assert.Equal(3, Fp.Value("Patient.name.given.trace('given').count()", Fp.Patient, context));
        Assert.Equal(2, Fp.Value("Patient.name.trace('names', given).count()", Fp.Patient, context));
        Assert.Equal([("given", 3), ("names", 3)], traced);
    }

    [Fact]
    public void The_reference_type_resolver_answers_type_tests_without_reading_the_target()
    {
        var context = new EvaluationContext { Resolver = new Services.ReferenceTypeResolver() };
        Assert.True(Fp.Bool("Observation.subject.where(resolve() is Patient).exists()", Fp.Observation, context));
        Assert.Equal("p1", Fp.Value("Observation.subject.resolve().id", Fp.Observation, context));
        Assert.Empty(Fp.Eval("'Practitioner?identifier=x'.resolve()", null, context));
        Assert.Equal("Encounter", Fp.Eval("'http://x/fhir/Encounter/9/_history/2'.resolve()", null, context).Cast<ElementNode>().Single().Type.Name);
    }
}
