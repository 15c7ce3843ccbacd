using System.Text.Json;
using Fhir.Search.Parameters;
using Fhir.Search.Queries;

namespace Fhir.Search.Tests.Parameters;

public class SearchParameterRegistryTests
{
    private static SearchParameterRegistry Registry => R4.Registry;

    [Fact]
    public void The_R4_registry_holds_the_1375_base_parameters_as_1706_per_type_entries()
    {
        Assert.Equal(1706, Registry.All.Count);
        Assert.Equal(1375, Registry.All.Select(p => p.Url).Distinct().Count());
        Assert.Equal(135, Registry.All.Select(p => p.ResourceType).Distinct().Count());
    }

    [Theory]
    [InlineData(SearchParamType.Token, 536)]
    [InlineData(SearchParamType.Reference, 472)]
    [InlineData(SearchParamType.String, 133)]
    [InlineData(SearchParamType.Date, 109)]
    [InlineData(SearchParamType.Composite, 46)]
    [InlineData(SearchParamType.Uri, 45)]
    [InlineData(SearchParamType.Quantity, 27)]
    [InlineData(SearchParamType.Number, 6)]
    [InlineData(SearchParamType.Special, 1)]
    public void The_base_parameters_count_per_type_as_in_the_specification(SearchParamType type, int parameters)
    {
        Assert.Equal(parameters, Registry.All.Where(p => p.Type == type).Select(p => p.Url).Distinct().Count());
    }

    [Fact]
    public void Parameters_without_a_standards_status_are_left_out()
    {
        // Examples and extension parameters of the specification carry no standards status.
        Assert.Null(Registry.FindByUrl("http://hl7.org/fhir/SearchParameter/example"));
        Assert.Null(Registry.FindByUrl("http://hl7.org/fhir/SearchParameter/filter"));
        Assert.Null(Registry.Find("Patient", "mothersMaidenName"));
        Assert.Null(Registry.Find("Observation", "gene-identifier"));
        Assert.Equal("http://hl7.org/fhir/SearchParameter/Resource-id", Registry.Find("Patient", "_id")!.Url);
        Assert.Equal("http://hl7.org/fhir/SearchParameter/Condition-subject", Registry.Find("Condition", "subject")!.Url);
    }

    [Theory]
    [InlineData("_id", "Resource.id", SearchParamType.Token)]
    [InlineData("_lastUpdated", "Resource.meta.lastUpdated", SearchParamType.Date)]
    [InlineData("_tag", "Resource.meta.tag", SearchParamType.Token)]
    [InlineData("_profile", "Resource.meta.profile", SearchParamType.Uri)]
    public void An_Observation_finds_the_parameters_every_resource_has(string code, string expression, SearchParamType type)
    {
        var parameter = Registry.Find("Observation", code);

        Assert.NotNull(parameter);
        Assert.Equal("Resource", parameter.ResourceType);
        Assert.Equal(expression, parameter.Expression);
        Assert.Equal(type, parameter.Type);
    }

    [Fact]
    public void Text_comes_from_DomainResource_and_is_not_supported()
    {
        var text = Registry.Find("Observation", "_text");

        Assert.NotNull(text);
        Assert.Equal("DomainResource", text.ResourceType);
        Assert.False(text.IsSupported);
        // Bundle is a Resource but not a DomainResource.
        Assert.Null(Registry.Find("Bundle", "_text"));
        Assert.NotNull(Registry.Find("Bundle", "_id"));
    }

    [Fact]
    public void An_unknown_type_or_code_finds_nothing()
    {
        Assert.Null(Registry.Find("Observation", "family"));
        Assert.Null(Registry.Find("Observation", "no-such-parameter"));
        Assert.Null(Registry.FindByUrl("http://example.org/SearchParameter/none"));
    }

    [Fact]
    public void A_shared_parameter_is_narrowed_to_the_part_for_each_type()
    {
        var observation = Registry.Find("Observation", "code")!;
        var allergy = Registry.Find("AllergyIntolerance", "code")!;
        var medicationRequest = Registry.Find("MedicationRequest", "code")!;

        Assert.Equal("http://hl7.org/fhir/SearchParameter/clinical-code", observation.Url);
        Assert.Equal(observation.Url, allergy.Url);
        Assert.Equal("Observation.code", observation.Expression);
        Assert.Equal("AllergyIntolerance.code | AllergyIntolerance.reaction.substance", allergy.Expression);
        Assert.Equal("(MedicationRequest.medication as CodeableConcept)", medicationRequest.Expression);
        Assert.Equal("Observation.subject.where(resolve() is Patient)", Registry.Find("Observation", "patient")!.Expression);
        Assert.Equal("Observation.effective", Registry.Find("Observation", "date")!.Expression);
    }

    [Fact]
    public void Narrowing_keeps_only_the_parts_that_start_at_the_type()
    {
        const string clinicalCode = "AllergyIntolerance.code | AllergyIntolerance.reaction.substance | Condition.code"
            + " | (DeviceRequest.code as CodeableConcept) | Medication.code | (MedicationRequest.medication as CodeableConcept) | Observation.code";

        Assert.Equal("Condition.code", SearchParameterRegistry.NarrowTo(clinicalCode, "Condition"));
        Assert.Equal("(DeviceRequest.code as CodeableConcept)", SearchParameterRegistry.NarrowTo(clinicalCode, "DeviceRequest"));
        // Medication is a prefix of MedicationRequest: only its own part is kept.
        Assert.Equal("Medication.code", SearchParameterRegistry.NarrowTo(clinicalCode, "Medication"));
        Assert.Equal("AllergyIntolerance.code | AllergyIntolerance.reaction.substance", SearchParameterRegistry.NarrowTo(clinicalCode, "AllergyIntolerance"));
    }

    [Fact]
    public void Narrowing_leaves_single_expressions_and_foreign_unions_whole()
    {
        Assert.Equal("Patient.name.family", SearchParameterRegistry.NarrowTo("Patient.name.family", "Practitioner"));
        Assert.Equal("Patient.name | Person.name", SearchParameterRegistry.NarrowTo("Patient.name | Person.name", "Group"));
    }

    [Fact]
    public void Narrowing_does_not_split_at_bars_inside_parentheses_or_strings()
    {
        Assert.Equal(
            "Patient.telecom.where(system = 'phone' | 'sms')",
            SearchParameterRegistry.NarrowTo("Patient.telecom.where(system = 'phone' | 'sms') | Person.telecom", "Patient"));
        Assert.Equal(
            "Patient.name.where(text = 'a|b')",
            SearchParameterRegistry.NarrowTo("Patient.name.where(text = 'a|b') | Person.name", "Patient"));
    }

    [Fact]
    public void ForType_lists_own_and_inherited_parameters_sorted_by_code()
    {
        var patient = Registry.ForType("Patient");
        var codes = patient.Select(p => p.Code).ToList();

        // 23 Patient parameters, 8 of Resource and _text of DomainResource.
        Assert.Equal(32, patient.Count);
        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
        Assert.Equal(codes.Distinct(), codes);
        Assert.Equal(
            ["_content", "_id", "_lastUpdated", "_profile", "_query", "_security", "_source", "_tag", "_text",
             "active", "address", "address-city", "address-country", "address-postalcode", "address-state", "address-use",
             "birthdate", "death-date", "deceased", "email", "family", "gender", "general-practitioner", "given",
             "identifier", "language", "link", "name", "organization", "phone", "phonetic", "telecom"],
            codes);
        Assert.All(patient, p => Assert.Same(p, Registry.Find("Patient", p.Code)));
    }

    [Fact]
    public void ForType_of_Observation_holds_its_38_parameters_and_the_9_inherited()
    {
        var observation = Registry.ForType("Observation");

        Assert.Equal(47, observation.Count);
        // All but the specials without an expression (_text, _content, _query); composites included.
        Assert.Equal(44, observation.Count(p => p.IsSupported));
        Assert.Contains(observation, p => p.Code == "component-code" && p.ResourceType == "Observation");
        Assert.Contains(observation, p => p.Code == "_tag" && p.ResourceType == "Resource");
    }

    [Fact]
    public void With_replaces_the_parameter_of_the_same_type_and_code()
    {
        var replacement = Info("http://example.org/SearchParameter/observation-code", "code", "Observation", SearchParamType.Token, "Observation.code.coding");

        var updated = Registry.With([replacement]);

        Assert.Same(replacement, updated.Find("Observation", "code"));
        Assert.Single(updated.ForType("Observation"), p => p.Code == "code");
        Assert.Same(replacement, updated.ForType("Observation").Single(p => p.Code == "code"));
        Assert.Equal(Registry.All.Count, updated.All.Count);
        Assert.DoesNotContain(updated.All, p => p.ResourceType == "Observation" && p.Code == "code" && p != replacement);
        // Other types sharing the replaced parameter keep it; the original registry is unchanged.
        Assert.Equal("http://hl7.org/fhir/SearchParameter/clinical-code", updated.Find("Condition", "code")!.Url);
        Assert.Equal("Observation.code", Registry.Find("Observation", "code")!.Expression);
    }

    [Fact]
    public void With_finds_a_replacement_of_the_same_url_by_its_url()
    {
        var original = Registry.Find("Patient", "gender")!;
        var replacement = original with { Expression = "Patient.gender.where($this != 'unknown')" };

        var updated = Registry.With([replacement]);

        Assert.Same(replacement, updated.Find("Patient", "gender"));
        Assert.Equal(replacement.Expression, updated.FindByUrl(original.Url)!.Expression);
    }

    [Fact]
    public void With_adds_a_new_parameter_for_its_type_only()
    {
        var added = Info("http://example.org/SearchParameter/patient-nickname", "nickname", "Patient", SearchParamType.String, "Patient.name.where(use = 'nickname').given");

        var updated = Registry.With([added]);

        Assert.Same(added, updated.Find("Patient", "nickname"));
        Assert.Same(added, updated.FindByUrl(added.Url));
        Assert.Contains(added, updated.ForType("Patient"));
        Assert.Null(updated.Find("Practitioner", "nickname"));
        Assert.Null(Registry.Find("Patient", "nickname"));
        Assert.Equal(Registry.All.Count + 1, updated.All.Count);
    }

    [Fact]
    public void A_parameter_added_on_Resource_is_inherited_by_every_type()
    {
        var added = Info("http://example.org/SearchParameter/version", "_version", "Resource", SearchParamType.Token, "Resource.meta.versionId");

        var updated = Registry.With([added]);

        Assert.Same(added, updated.Find("Observation", "_version"));
        Assert.Same(added, updated.Find("Bundle", "_version"));
    }

    [Fact]
    public void FromResource_reads_one_entry_per_base_with_its_own_expression()
    {
        using var doc = JsonDocument.Parse("""
            {
              "resourceType": "SearchParameter",
              "url": "http://example.org/SearchParameter/nickname",
              "code": "nickname",
              "type": "string",
              "base": ["Patient", "Practitioner"],
              "expression": "Patient.name.where(use = 'nickname').given | Practitioner.name.where(use = 'nickname').given",
              "target": []
            }
            """);

        var infos = SearchParameterRegistry.FromResource(doc.RootElement).ToList();

        Assert.Equal(2, infos.Count);
        Assert.Equal(("Patient", "Patient.name.where(use = 'nickname').given"), (infos[0].ResourceType, infos[0].Expression));
        Assert.Equal(("Practitioner", "Practitioner.name.where(use = 'nickname').given"), (infos[1].ResourceType, infos[1].Expression));
        Assert.All(infos, i => Assert.Equal(("nickname", SearchParamType.String, "http://example.org/SearchParameter/nickname"), (i.Code, i.Type, i.Url)));
        Assert.All(infos, i => Assert.True(i.IsSupported));
    }

    [Fact]
    public void FromResource_reads_targets_and_composite_components()
    {
        using var doc = JsonDocument.Parse("""
            {
              "resourceType": "SearchParameter",
              "url": "http://example.org/SearchParameter/code-value",
              "code": "code-value",
              "type": "composite",
              "base": ["Observation"],
              "expression": "Observation",
              "component": [
                { "definition": "http://hl7.org/fhir/SearchParameter/clinical-code", "expression": "code" },
                { "definition": "http://hl7.org/fhir/SearchParameter/Observation-value-quantity", "expression": "value.as(Quantity)" }
              ]
            }
            """);

        var info = Assert.Single(SearchParameterRegistry.FromResource(doc.RootElement));

        Assert.Equal(SearchParamType.Composite, info.Type);
        Assert.True(info.IsSupported);
        Assert.Empty(info.Targets);
        Assert.Equal(
            [new CompositeComponent("http://hl7.org/fhir/SearchParameter/clinical-code", "code"),
             new CompositeComponent("http://hl7.org/fhir/SearchParameter/Observation-value-quantity", "value.as(Quantity)")],
            info.Components);
    }

    [Fact]
    public void Reference_parameters_keep_their_targets()
    {
        var subject = Registry.Find("Observation", "subject")!;

        Assert.Equal(SearchParamType.Reference, subject.Type);
        Assert.Equal(["Device", "Group", "Location", "Patient"], subject.Targets.Order(StringComparer.Ordinal));
    }

    private static SearchParameterInfo Info(string url, string code, string type, SearchParamType paramType, string expression) =>
        new(url, code, type, paramType, expression, [], []);
}
