using Fhir.Search.Indexing;
using Fhir.Search.Queries;

namespace Fhir.Storage.Tests;

// The patients of a code (Patient?_has:Observation:patient:code=X) from the patient pair index (issue 18, IndexPairs): each
// search is run as written (from the pairs, collected and per candidate) and with its code repeated 11 times (too many to
// pair: the reference rows as before), which must agree, and against the answer the definitions give.
public abstract partial class StoreTests
{
    [Fact]
    public async Task The_patients_of_a_code_come_from_the_pair_index_as_from_the_references_through_writes_deletes_and_reindexes()
    {
        static IndexValue[] Obs(string patient, params TokenIndexValue[] codes) =>
            [.. codes, new ReferenceIndexValue("patient", "Patient", patient, null), new ReferenceIndexValue("subject", "Patient", patient, null)];
        var x = new TokenSearchValue("urn:c", "x", true);
        var anyX = new TokenSearchValue(null, "x", false);
        var y = new TokenSearchValue("urn:c", "y", true);
        await WriteAsync([
            .. new[] { "pa", "pb", "pc", "pd", "pe" }.Select(id => Create("Patient", id, T0)),
            Create("Observation", "o-a", T0, Obs("pa", Token("code", "urn:c", "x"))),
            // Two codings, one without a system.
            Create("Observation", "o-b", T0, Obs("pb", Token("code", "urn:d", "z"), Token("code", null, "x"))),
            // Another code; a Condition of code x (not an Observation); a code that is a system alone.
            Create("Observation", "o-c", T0, Obs("pc", Token("code", "urn:c", "y"))),
            Create("Condition", "c-d", T0, Obs("pd", Token("code", "urn:c", "x"))),
            Create("Observation", "o-e", T0, Obs("pe", Token("code", "urn:c", null))),
            // A group's Observation of x: its patient reference names a Group.
            Create("Observation", "o-g", T0, Token("code", "urn:c", "x"), new ReferenceIndexValue("patient", "Group", "pa", null)),
            Create("Observation", "o-a2", T0, Obs("pa", Token("code", "urn:c", "x"))),
        ]);

        Assert.Equal(["pa", "pb"], await PatientsOfAsync(anyX));
        Assert.Equal(["pa"], await PatientsOfAsync(x));
        Assert.Equal(["pa", "pc"], await PatientsOfAsync(x, y));
        Assert.Equal(["pd"], await PatientsOfAsync([x], "Condition"));

        // An update moves the patient and the code; a delete takes the resource's pairs with it.
        await WriteAsync(Update("Observation", "o-c", 2, T0.AddDays(1), Obs("pe", Token("code", "urn:c", "x"))));
        await WriteAsync(Delete("Observation", "o-a", 2, T0.AddDays(1)));
        Assert.Equal(["pa", "pe"], await PatientsOfAsync(x));
        await WriteAsync(Delete("Observation", "o-a2", 2, T0.AddDays(1)));
        Assert.Equal(["pe"], await PatientsOfAsync(x));
        Assert.Empty(await PatientsOfAsync(y));
        var written = await PatientPairRowsAsync();

        // A reindex of the patient reference alone: the pairs follow it (derived from the stored rows).
        var current = await Store.ReadCurrentAsync("Observation", 0, 1000);
        var moved = current.Where(r => r.Id == "o-c").Select(r => new ReindexedResource(r.Key, r.VersionSeq,
            [new ReferenceIndexValue("patient", "Patient", "pc", null)])).ToList();
        Assert.True(await Store.ReplaceIndexAsync(moved, ["patient"], null, T0));
        Assert.Equal(["pc"], await PatientsOfAsync(x));
        // A reader held to one patient is answered from the references, within its compartment: o-c's version is in pe's
        // compartment (as written), though its reindexed reference, and so its pair, names pc.
        Assert.Equal(["pb", "pc"], await PatientsOfAsync(anyX));
        var query = new SearchQuery("Patient", [Has("Observation", "patient", TokenCriterion("code", null, anyX))], 100);
        Assert.Empty((await Store.Reader(new Fhir.Storage.Access.ReadScope { Patient = "pc" }).SearchAsync(query)).Resources);
        Assert.Equal(["pb"], (await Store.Reader(new Fhir.Storage.Access.ReadScope { Patient = "pb" }).SearchAsync(query)).Resources.Select(r => r.Id));
        // ... and a full reindex, with the type and without it, gives back the rows the writes made.
        IndexValue[] Written(string id) => id switch
        {
            "o-b" => Obs("pb", Token("code", "urn:d", "z"), Token("code", null, "x")),
            "o-c" => Obs("pe", Token("code", "urn:c", "x")),
            "o-e" => Obs("pe", Token("code", "urn:c", null)),
            _ => [Token("code", "urn:c", "x"), new ReferenceIndexValue("patient", "Group", "pa", null)],
        };
        Assert.True(await Store.ReplaceIndexAsync([.. current.Select(r => new ReindexedResource(r.Key, r.VersionSeq, Written(r.Id)))], null, null, T0));
        Assert.Equal(written, await PatientPairRowsAsync());
        Assert.True(await Store.ReplaceIndexAsync([.. current.Select(r => new ReindexedResource(r.Key, r.VersionSeq, Written(r.Id), "Observation"))], null, null, T0));
        Assert.Equal(written, await PatientPairRowsAsync());
        Assert.Equal(["pe"], await PatientsOfAsync(x));

        // A resource naming two patients (no R4 parameter does; a SearchParameter written to the server may) gets an
        // overflow row instead of codes × patients pairs, and its type is answered from the references while it has one:
        // written so by a reindex of the reference (from the stored rows), then by a write, then deleted.
        await WriteAsync(Create("Observation", "o-m", T0, Obs("pb", Token("code", "urn:c", "x"))));
        Assert.Equal(["pb", "pe"], await PatientsOfAsync(x));
        var om = (await Store.ReadCurrentAsync("Observation", 0, 1000)).Single(r => r.Id == "o-m");
        Assert.True(await Store.ReplaceIndexAsync([new ReindexedResource(om.Key, om.VersionSeq,
            [new ReferenceIndexValue("patient", "Patient", "pb", null), new ReferenceIndexValue("patient", "Patient", "pc", null)])], ["patient"], null, T0));
        Assert.Equal(1, await ScalarAsync(Options, "SELECT COUNT(*) FROM idx_reference_token WHERE code = 'code+patient!' AND res_type = 'Observation'"));
        Assert.Equal(["pb", "pc", "pe"], await PatientsOfAsync(x));
        await WriteAsync(Update("Observation", "o-m", 2, T0.AddDays(1), Token("code", "urn:c", "x"), Token("code", "urn:c", "y"),
            new ReferenceIndexValue("patient", "Patient", "pa", null), new ReferenceIndexValue("patient", "Patient", "pc", null)));
        Assert.Equal(["pa", "pc", "pe"], await PatientsOfAsync(x));
        Assert.Equal(["pa", "pc"], await PatientsOfAsync(y));
        Assert.Equal(0, await ScalarAsync(Options, "SELECT COUNT(*) FROM idx_reference_token WHERE res_key = " + om.Key + " AND code = 'code+patient'"));
        await WriteAsync(Delete("Observation", "o-m", 3, T0.AddDays(2)));
        Assert.Equal(0, await ScalarAsync(Options, "SELECT COUNT(*) FROM idx_reference_token WHERE code = 'code+patient!'"));
        Assert.Equal(["pe"], await PatientsOfAsync(x));
    }

    // The Patients with an Observation (or `source`) of one of `codes`: paged from the pairs, collected and per candidate,
    // and from the references; all three must agree.
    private async Task<string[]> PatientsOfAsync(TokenSearchValue[] codes, string source = "Observation")
    {
        async Task<string[]> Ids(TokenSearchValue[] values, bool dense)
        {
            Fhir.Storage.Sql.SearchPlanner.DenseRowsForTests.Value = dense ? 1 : null;
            try
            {
                var has = Has(source, "patient", TokenCriterion("code", null, values));
                return [.. (await Reader.SearchAsync(new SearchQuery("Patient", [has], 100))).Resources.Select(r => r.Id).Order(StringComparer.Ordinal)];
            }
            finally
            {
                Fhir.Storage.Sql.SearchPlanner.DenseRowsForTests.Value = null;
            }
        }
        var paired = await Ids(codes, dense: false);
        Assert.Equal(paired, await Ids(codes, dense: true));
        Assert.Equal(paired, await Ids([.. Enumerable.Repeat(codes, 11).SelectMany(c => c)], dense: false));
        return paired;
    }

    private Task<string[]> PatientsOfAsync(params TokenSearchValue[] codes) => PatientsOfAsync(codes, "Observation");

    // Per resource: its patient pair rows, and those naming each (type, code, patient).
    private async Task<string[]> PatientPairRowsAsync()
    {
        var rows = new List<string>();
        foreach (var id in new[] { "o-b", "o-c", "o-e", "o-g", "c-d" })
        {
            var from = $"FROM idx_reference_token p JOIN resource r ON r.res_key = p.res_key WHERE p.code = 'code+patient' AND r.res_id = '{id}'";
            var n = await ScalarAsync(Options, "SELECT COUNT(*) " + from);
            var distinct = await ScalarAsync(Options, "SELECT COUNT(*) FROM (SELECT DISTINCT p.res_type, p.system, p.value, p.target_type, p.target_id " + from + ") d");
            rows.Add($"{id}:{n}/{distinct}");
        }
        return [.. rows];
    }
}
