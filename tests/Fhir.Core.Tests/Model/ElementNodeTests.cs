using Fhir.Core.Json;
using Fhir.Core.Model;

namespace Fhir.Core.Tests.Model;

public sealed class ElementNodeTests
{
    private static ElementNode Patient(string json) => FhirJsonReader.Parse(json).Resource!;

    [Fact]
    public void Every_repeat_of_a_long_list_knows_its_index()
    {
        var names = string.Join(",", Enumerable.Range(0, 2000).Select(i => $$$"""{"family":"f{{{i}}}"}"""));
        var patient = Patient($$$"""{"resourceType":"Patient","active":true,"name":[{{{names}}}],"gender":"male"}""");

        var repeats = patient.ChildrenNamed("name").ToList();
        Assert.Equal(Enumerable.Range(0, 2000), repeats.Select(n => n.IndexAmongSiblings()));
        Assert.Equal("Patient.name[1999].family", repeats[1999].Child("family")!.Location);
        Assert.Equal(0, patient.Child("gender")!.IndexAmongSiblings());
    }

    [Fact]
    public void Indexes_follow_children_added_inserted_and_removed_after_they_were_read()
    {
        var patient = Patient("""{"resourceType":"Patient","name":[{"family":"a"},{"family":"b"},{"family":"c"}]}""");
        var names = patient.ChildrenNamed("name").ToList();
        Assert.Equal(2, names[2].IndexAmongSiblings());

        Assert.True(patient.Remove(names[0]));
        Assert.Equal(0, names[1].IndexAmongSiblings());
        Assert.Equal(1, names[2].IndexAmongSiblings());
        Assert.Equal(0, names[0].IndexAmongSiblings()); // detached: no siblings

        patient.InsertAt(names[0], 1);
        Assert.Equal([0, 1, 2], new[] { names[1], names[0], names[2] }.Select(n => n.IndexAmongSiblings()));

        var added = patient.Add(names[0].DeepCopy());
        Assert.Equal(3, added.IndexAmongSiblings());
        Assert.Equal("Patient.name[3]", added.Location);
    }
}
