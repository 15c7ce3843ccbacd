using Fhir.Core.Model;
using Fhir.Path;
using Fhir.Trials.Tests.Profiles;

namespace Fhir.Trials.Tests.Generation;

/// <summary>Every generated resource declares the trial profile it conforms to and validates against it without errors (the project's validator); every reference resolves.</summary>
public class GeneratedResourceTests
{
    [Fact]
    public void Every_resource_except_the_patient_declares_a_trial_profile_and_passes_its_checks()
    {
        var failures = new List<string>();
        var checkedByProfile = new Dictionary<string, int>();
        foreach (var (file, bundle) in GeneratedData.Parse(GeneratedData.Trial))
        {
            foreach (var resource in GeneratedData.Resources(bundle))
            {
                var profile = resource.Child("meta")?.Child("profile")?.Value as string;
                // The trial profiles nothing of these: the base definitions apply.
                if (resource.Type.Name is "Patient" or "MedicationAdministration" or "Encounter" or "Organization")
                {
                    Assert.Null(profile);
                    failures.AddRange(TrialValidator.Errors(resource).Select(f => $"{file} {resource.Type.Name}: {f}"));
                    continue;
                }
                Assert.NotNull(profile);
                Assert.True(ProfilesFolder.Canonicals.ContainsKey(profile), profile);
                failures.AddRange(TrialValidator.Errors(resource).Select(f => $"{file} {resource.Type.Name}: {f}"));
                checkedByProfile[profile] = checkedByProfile.GetValueOrDefault(profile) + 1;
            }
        }
        Assert.Empty(failures);
        // Every resource profile of the trial is exercised.
        Assert.Equal(8, checkedByProfile.Count);
    }

    [Fact]
    public void Every_entry_is_a_conditional_create_on_its_identifier_or_for_adverse_events_an_update_to_an_id_made_from_it()
    {
        foreach (var (_, bundle) in GeneratedData.Parse(GeneratedData.Trial))
        {
            foreach (var entry in bundle.ChildrenNamed("entry"))
            {
                var resource = entry.Child("resource")!;
                var request = entry.Child("request")!;
                var identifier = resource.ChildrenNamed("identifier").Single();
                if (resource.Type.Name == "AdverseEvent")
                {
                    // R4 has no AdverseEvent identifier search parameter, so ifNoneExist could not find it: a fixed id instead.
                    Assert.Equal("PUT", request.GetString("method"));
                    Assert.Equal(identifier.GetString("value")!.ToLowerInvariant(), resource.GetString("id"));
                    Assert.Equal($"AdverseEvent/{resource.GetString("id")}", request.GetString("url"));
                    continue;
                }
                Assert.Equal("POST", request.GetString("method"));
                Assert.Equal(resource.Type.Name, request.GetString("url"));
                Assert.Equal($"identifier={identifier.GetString("system")}|{identifier.GetString("value")}", request.GetString("ifNoneExist"));
                Assert.StartsWith("urn:uuid:", entry.GetString("fullUrl"), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Identifiers_and_full_urls_are_unique_across_the_trial()
    {
        var parsed = GeneratedData.Parse(GeneratedData.Trial);
        var fullUrls = parsed.SelectMany(b => b.Bundle.ChildrenNamed("entry").Select(e => e.GetString("fullUrl"))).ToList();
        Assert.Equal(fullUrls.Count, fullUrls.Distinct().Count());
        var identifiers = parsed.SelectMany(b => GeneratedData.Resources(b.Bundle))
            .Select(r => r.ChildrenNamed("identifier").Single()).Select(i => $"{i.GetString("system")}|{i.GetString("value")}").ToList();
        Assert.Equal(identifiers.Count, identifiers.Distinct().Count());
    }

    [Fact]
    public void Every_reference_points_at_an_entry_of_its_bundle_or_at_the_study_by_identifier()
    {
        var parsed = GeneratedData.Parse(GeneratedData.Trial);
        // The study bundle's resources are referred to conditionally, by their identifiers.
        var conditional = GeneratedData.Resources(parsed[0].Bundle)
            .Select(r => (r.Type.Name, Identifier: r.ChildrenNamed("identifier").Single()))
            .Select(r => $"{r.Name}?identifier={r.Identifier.GetString("system")}|{r.Identifier.GetString("value")}")
            .ToHashSet(StringComparer.Ordinal);
        var references = FhirPathCompiler.Compile("descendants().ofType(Reference).reference");
        var resolved = 0;
        foreach (var (file, bundle) in parsed.Skip(1))
        {
            var entries = bundle.ChildrenNamed("entry").ToDictionary(e => e.GetString("fullUrl")!, e => e.Child("resource")!.Type.Name);
            foreach (var resource in GeneratedData.Resources(bundle))
            {
                foreach (var reference in references.Evaluate(resource).Cast<ElementNode>().Select(r => (string)r.Value!))
                {
                    Assert.True(entries.ContainsKey(reference) || conditional.Contains(reference), $"{file}: {reference} does not resolve");
                    resolved++;
                }
            }
            // The study-level and participant-level links point at the right types.
            foreach (var ae in GeneratedData.Resources(bundle).Where(r => r.Type.Name == "AdverseEvent"))
            {
                var participant = (string)TrialGeneratorTests.Eval(ae, "extension('http://trials.example.org/fhir/StructureDefinition/research-subject').value.reference").Single();
                Assert.Equal("ResearchSubject", entries[participant]);
                Assert.Equal("Patient", entries[(string)TrialGeneratorTests.Eval(ae, "subject.reference").Single()]);
            }
        }
        Assert.True(resolved > 500, $"only {resolved} references");
    }

    [Fact]
    public void A_confirmed_best_response_points_at_a_confirming_assessment_at_least_four_weeks_after_the_first_response()
    {
        var confirmed = 0;
        foreach (var (_, bundle) in GeneratedData.Parse(GeneratedData.LargeTrial).Skip(1))
        {
            var entries = bundle.ChildrenNamed("entry").ToDictionary(e => e.GetString("fullUrl")!, e => e.Child("resource")!);
            var bor = entries.Values.SingleOrDefault(r => TrialGeneratorTests.Eval(r, "code.coding.code").FirstOrDefault() as string == "best-overall-response");
            if (bor is null || TrialGeneratorTests.Eval(bor, "extension('http://trials.example.org/fhir/StructureDefinition/response-confirmed').value").SingleOrDefault() is not true)
            {
                continue;
            }
            var member = entries[(string)TrialGeneratorTests.Eval(bor, "hasMember.reference").Single()];
            var firstResponse = entries.Values
                .Where(r => TrialGeneratorTests.Eval(r, "code.coding.code").FirstOrDefault() as string == "timepoint-response")
                .Where(r => TrialGeneratorTests.Eval(r, "value.coding.code").Single() is "CR" or "PR")
                .Select(r => DateOnly.Parse((string)TrialGeneratorTests.Eval(r, "effective.toString()").Single(), System.Globalization.CultureInfo.InvariantCulture))
                .Min();
            var confirmedOn = DateOnly.Parse((string)TrialGeneratorTests.Eval(member, "effective.toString()").Single(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(confirmedOn.DayNumber - firstResponse.DayNumber >= 28);
            Assert.Contains(TrialGeneratorTests.Eval(member, "value.coding.code").Single(), new object[] { "CR", "PR" });
            confirmed++;
        }
        Assert.Equal(GeneratedData.LargeTrial.Summary.ConfirmedResponders, confirmed);
    }
}
