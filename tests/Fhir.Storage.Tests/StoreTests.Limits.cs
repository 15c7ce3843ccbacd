using System.Text;
using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Search.Compartments;
using Fhir.Search.Indexing;
using Fhir.Search.Parameters;
using Fhir.Search.Queries;

namespace Fhir.Storage.Tests;

// Issue 12 items 11 and 19: every search within the parser's limits runs on both databases. The searches below are the
// largest of each shape at SearchLimits.Ceiling (the most the limits may be configured to): as many values as allowed
// in one parameter and spread over as many criteria as allowed, values as long as allowed of the characters that grow
// most in SQL, chains and _has as deep as allowed, as many sort keys as allowed with a cursor, a system search over
// every type and a compartment search. Each runs as a page with a total, as a count, and as a conditional match.
public abstract partial class StoreTests
{
    private const string BaseUrl = "http://fhir.example/fhir";

    private static readonly Lazy<SearchParameterRegistry> R4Registry = new(() => SearchParameterRegistry.CreateR4(FhirDefinitions.R4));
    private static readonly Fhir.Search.Compartments.CompartmentModel Compartments = Fhir.Search.Compartments.CompartmentModel.FromDefinitions(FhirDefinitions.R4);

    private static readonly SearchLimits Ceiling = SearchLimits.Ceiling;

    // The kinds of values, each as the i-th distinct value (a composite counts two values).
    private static readonly (string Type, string Name, Func<int, string> Value, int Weight)[] ValueKinds =
    [
        ("Observation", "code", i => $"http://loinc.org|{i}-5", 1),
        ("Observation", "code:text", i => $"weight{i}", 1),
        ("Observation", "code:not", i => $"http://loinc.org|{i}-5", 1),
        ("Observation", "identifier:of-type", i => $"http://terminology.hl7.org/CodeSystem/v2-0203|MR|{i}", 1),
        ("Observation", "subject", i => $"Patient/p{i}", 1),
        ("Observation", "subject:identifier", i => $"urn:mrn|{i}", 1),
        ("Observation", "date", i => $"ge{1900 + i % 200}-{1 + i % 12:00}", 1),
        ("Observation", "date", i => $"le{1900 + i % 200}-{1 + i % 12:00}-{1 + i % 28:00}", 1),
        ("Observation", "value-quantity", i => $"ap{i}.5|http://unitsofmeasure.org|mg", 1),
        ("Observation", "value-quantity", i => $"ne{i}|http://unitsofmeasure.org|[lb_av]", 1),
        ("Observation", "code-value-quantity", i => $"http://loinc.org|{i}-5$ge{i}|http://unitsofmeasure.org|mg", 2),
        ("Observation", "_lastUpdated", i => $"ge{2000 + i % 30}-01-01", 1),
        ("Observation", "subject:missing", i => i % 2 == 0 ? "true" : "false", 1),
        ("Patient", "name", i => $"smi{i}", 1),
        ("Patient", "name:exact", i => $"Smith{i}", 1),
        ("Patient", "name:contains", i => $"mit{i}%_", 1),
        ("Patient", "_id", i => $"p{i}", 1),
        ("Patient", "_id:not", i => $"p{i}", 1),
        ("RiskAssessment", "probability", i => $"ap0.{i}", 1),
        ("ValueSet", "url", i => $"http://x.org/vs/{i}", 1),
        ("ValueSet", "url:below", i => $"http://x.org/{i}", 1),
        ("Observation", "subject:Patient.name", i => $"smi{i}", 2),
        ("Patient", "_has:Observation:subject:code", i => $"http://loinc.org|{i}-5", 2),
    ];

    public static TheoryData<int> ValueKindIndexes => [.. Enumerable.Range(0, ValueKinds.Length)];

    [Theory]
    [MemberData(nameof(ValueKindIndexes))]
    public async Task Issue_12_item_19_one_parameter_with_the_most_values_allowed_runs(int kind)
    {
        await WriteLimitsCorpusAsync();
        var (type, name, value, weight) = ValueKinds[kind];
        var count = Math.Min(Ceiling.MaxValuesPerCriterion, Ceiling.MaxValues / weight);
        await RunEveryWayAsync(type, [(name, string.Join(",", Enumerable.Range(0, count).Select(value)))]);
    }

    [Theory]
    [MemberData(nameof(ValueKindIndexes))]
    public async Task Issue_12_item_11_the_most_criteria_allowed_with_the_most_values_allowed_run(int kind)
    {
        await WriteLimitsCorpusAsync();
        var (type, name, value, weight) = ValueKinds[kind];
        var criteria = Ceiling.MaxCriteria / weight;
        var each = Ceiling.MaxValues / weight / criteria;
        await RunEveryWayAsync(type, [.. Enumerable.Range(0, criteria).Select(c => (name, string.Join(",", Enumerable.Range(c * each, each).Select(value))))]);
    }

    // The characters that grow most in SQL: escaped in LIKE patterns ('%', '_', '\'), three UTF-8 bytes once folded
    // ('Ⱥ' lower-cases to 'ⱥ'), a surrogate pair.
    public static TheoryData<string, string, string> LongValueKinds => new()
    {
        { "Patient", "name", "Ⱥ" },
        { "Patient", "name:contains", "Ⱥ" },
        { "Patient", "name:contains", "%" },
        { "Patient", "name:contains", "\\\\" },
        { "Patient", "name:exact", "𝄞" },
        { "Observation", "code:text", "Ⱥ" },
        { "Observation", "code:text", "_" },
        { "Observation", "code", "ⱥ" },
        { "Observation", "subject", "a" },
        { "ValueSet", "url:below", "ⱥ" },
        { "ValueSet", "url:above", "ⱥ" },
        { "Patient", "_id", "a" },
    };

    [Theory]
    [MemberData(nameof(LongValueKinds))]
    public async Task Issue_12_item_19_values_of_the_longest_length_allowed_run(string type, string name, string character)
    {
        await WriteLimitsCorpusAsync();
        var value = new StringBuilder();
        while (value.Length + character.Length <= Ceiling.MaxValueLength) value.Append(character);
        // A few alternatives and a few criteria of them, each as long as allowed.
        var alternatives = string.Join(",", Enumerable.Range(0, 3).Select(i => value.ToString()[..^character.Length] + (char)('a' + i)));
        await RunEveryWayAsync(type, [(name, alternatives), (name, alternatives)]);
    }

    [Fact]
    public async Task Issue_12_item_11_the_deepest_chains_and_has_as_many_times_as_allowed_run()
    {
        await WriteLimitsCorpusAsync();
        const string chain = "subject:Patient.organization.partof.partof.name"; // five criteria
        await RunEveryWayAsync("Observation", [.. Enumerable.Range(0, Ceiling.MaxCriteria / 5).Select(i => (chain, "acme" + i))]);
        const string has = "_has:Observation:subject:_has:Provenance:target:_has:AuditEvent:entity:_has:Provenance:target:agent"; // five
        await RunEveryWayAsync("Patient", [.. Enumerable.Range(0, Ceiling.MaxCriteria / 5).Select(i => (has, "Practitioner/pr" + i))]);
    }

    [Fact]
    public async Task Issue_12_item_11_the_most_sort_keys_allowed_page_forward_and_back()
    {
        await WriteLimitsCorpusAsync();
        string[] keys = ["name", "-birthdate", "family", "-given", "identifier", "-organization", "address-city", "_lastUpdated"];
        var sort = string.Join(",", Enumerable.Range(0, Ceiling.MaxCriteria - 2).Select(i => keys[i % keys.Length]).Append("_id"));
        var parsed = Parse("Patient", [("gender", "female"), ("_sort", sort), ("_count", "1")]);
        var first = await Reader.SearchAsync(parsed.Query);
        Assert.NotNull(first.Next);
        var second = await Reader.SearchAsync(parsed.Query with { After = first.Next });
        Assert.NotNull(second.Previous);
        await Reader.SearchAsync(parsed.Query with { After = second.Previous });
    }

    [Fact]
    public async Task Issue_12_item_19_a_system_search_over_every_type_with_the_most_values_allowed_runs()
    {
        await WriteLimitsCorpusAsync();
        var parameters = new List<KeyValuePair<string, string>> { new("_type", string.Join(",", FhirDefinitions.R4.ResourceTypeNames)) };
        var each = Ceiling.MaxValues / (Ceiling.MaxCriteria - 1);
        for (var c = 0; c < Ceiling.MaxCriteria - 1; c++)
        {
            parameters.Add(new(c % 2 == 0 ? "_id" : "_lastUpdated", string.Join(",", Enumerable.Range(c * each, each).Select(i => c % 2 == 0 ? "p" + i : $"ge{1900 + i % 100}"))));
        }
        var parsed = SearchQueryParser.ParseSystem(parameters, R4Registry.Value, new SearchParseOptions { Limits = Ceiling, BaseUrl = BaseUrl });
        Assert.DoesNotContain(parsed.Issues, i => i.IsError);
        await RunAsync(parsed.Query);
    }

    [Fact]
    public async Task Issue_12_item_19_a_compartment_search_with_the_most_criteria_and_values_allowed_runs()
    {
        await WriteLimitsCorpusAsync();
        var each = Ceiling.MaxValues / Ceiling.MaxCriteria;
        var parsed = Parse("Observation", [.. Enumerable.Range(0, Ceiling.MaxCriteria).Select(c => ("code", string.Join(",", Enumerable.Range(c * each, each).Select(i => $"http://loinc.org|{i}-5"))))]);
        var compartment = CompartmentModel.FromDefinitions(FhirDefinitions.R4).Filter("Patient", "p1", "Observation")!;
        await RunAsync(parsed.Query with { Compartment = compartment });
    }

    private static ParsedSearch Parse(string type, IEnumerable<(string Name, string Value)> parameters)
    {
        var parsed = SearchQueryParser.Parse(type, [.. parameters.Select(p => KeyValuePair.Create(p.Name, p.Value))], R4Registry.Value,
            new SearchParseOptions { Handling = HandlingMode.Strict, Limits = Ceiling, BaseUrl = BaseUrl, MaxCount = 1000 });
        Assert.True(!parsed.Issues.Any(i => i.IsError), string.Join("; ", parsed.Issues.Select(i => i.Message)));
        return parsed;
    }

    private async Task RunEveryWayAsync(string type, IReadOnlyList<(string Name, string Value)> parameters) => await RunAsync(Parse(type, parameters).Query);

    // A page with a total (the planner's counts, the page and the count statements), a count, and a conditional match;
    // unrestricted and held to one patient's compartment (whose predicate every traversed resource gets too).
    private async Task RunAsync(SearchQuery query)
    {
        foreach (var scope in new[] { Fhir.Storage.Access.ReadScope.Everything, new Fhir.Storage.Access.ReadScope { Patient = "p1" } })
        {
            var reader = Store.Reader(scope);
            await reader.SearchAsync(query with { Total = TotalMode.Accurate, Count = 10 });
            await reader.CountAsync(query);
            await using var session = await Store.BeginWriteAsync();
            await session.SearchIdsAsync(query, scope, 2);
            await session.CommitAsync();
        }
    }

    // Resources with index rows for every code the searches use, so that each condition meets rows (SQLite evaluates a
    // LIKE pattern only against a row).
    private async Task WriteLimitsCorpusAsync()
    {
        string[] resources =
        [
            """{"resourceType":"Organization","id":"org1","name":"Acme Ⱥ 100%_","partOf":{"reference":"Organization/org2"}}""",
            """{"resourceType":"Organization","id":"org2","name":"Acme holding","partOf":{"reference":"Organization/org3"}}""",
            """{"resourceType":"Organization","id":"org3","name":"Acme group"}""",
            """{"resourceType":"Practitioner","id":"pr1","name":[{"family":"Jones"}]}""",
            """{"resourceType":"Patient","id":"p1","gender":"female","identifier":[{"system":"urn:mrn","value":"1","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]}}],"name":[{"family":"Smith Ⱥ","given":["Ann"]}],"birthDate":"1970-05-01","address":[{"city":"Lyon"}],"managingOrganization":{"reference":"Organization/org1"},"generalPractitioner":[{"reference":"Practitioner/pr1"}]}""",
            """{"resourceType":"Patient","id":"p2","gender":"female","name":[{"family":"Smithson","given":["Bea"]}],"birthDate":"1980-05-01","managingOrganization":{"reference":"Organization/org1"}}""",
            """{"resourceType":"Observation","id":"o1","status":"final","identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"value":"1"}],"code":{"coding":[{"system":"http://loinc.org","code":"1-5","display":"Weight Ⱥ"}],"text":"weight 100%_"},"subject":{"reference":"Patient/p1","identifier":{"system":"urn:mrn","value":"1"}},"effectiveDateTime":"2020-01-01","valueQuantity":{"value":5.4,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}""",
            """{"resourceType":"Observation","id":"o2","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"2-5"}]},"subject":{"reference":"Patient/p2"},"effectivePeriod":{"start":"2019-01-01"},"component":[{"code":{"coding":[{"system":"http://loinc.org","code":"2-5"}]},"valueQuantity":{"value":8,"system":"http://unitsofmeasure.org","code":"mg"}}]}""",
            """{"resourceType":"Provenance","id":"pv1","target":[{"reference":"Patient/p1"}],"recorded":"2020-01-01T00:00:00Z","agent":[{"who":{"reference":"Practitioner/pr1"}}]}""",
            """{"resourceType":"RiskAssessment","id":"ra1","status":"final","subject":{"reference":"Patient/p1"},"prediction":[{"probabilityDecimal":0.25}]}""",
            """{"resourceType":"ValueSet","id":"vs1","url":"http://x.org/vs/1","status":"active"}""",
        ];
        var indexer = new ResourceIndexer(R4Registry.Value);
        var writes = new List<ResourceWrite>();
        foreach (var json in resources)
        {
            // As the server writes them: with their patient compartments, which reads held to a patient are judged by.
            var parsed = FhirJsonReader.Parse(json);
            Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Issues.Select(i => i.Message)));
            var resource = parsed.Resource!;
            var index = indexer.Extract(resource);
            var id = resource.GetString("id")!;
            writes.Add(new ResourceWrite(resource.Type.Name, id, 1, T0, WriteMethod.Create, Encoding.UTF8.GetBytes(json), index, Compartments.Members("Patient", resource.Type.Name, id, index)));
        }
        await WriteAsync([.. writes]);
    }
}
