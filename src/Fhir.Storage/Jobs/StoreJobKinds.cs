namespace Fhir.Storage.Jobs;

/// <summary>The kinds of job the store itself queues (its migrations), for the server's job runner to run.</summary>
public static class StoreJobKinds
{
    /// <summary>Records the patient compartments of versions written before the schema kept them (<see cref="IReindexStore.WritePatientsAsync"/>).</summary>
    public const string PatientCompartments = "patient-compartments";
}
