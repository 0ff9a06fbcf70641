using Sirocco.Store.Definitions;

namespace Sirocco.Store.Tests;

public abstract class WorkflowDefinitionRepositoryTests(StoreKind kind, PostgresServer postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static WorkflowDefinition Wf(string name, string ns = "") => new()
    {
        Name = name,
        Namespace = ns,
        Definition = $"{name}:\n  tasks:\n    t1:\n      action: std.noop\n",
        Input = "a, b=\"x\"",
        Interface = "{\"input\": [\"a\", {\"b\": \"x\"}], \"output\": []}",
        Tags = ["t1", "t2"],
    };

    [Fact]
    public async Task Created_definition_is_found_by_name_and_by_id_with_every_field()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();

        var created = await store.WorkflowDefinitions.CreateAsync(Wf("my_wf"), Ct);

        Assert.True(Guid.TryParse(created.Id, out _));
        var byName = await store.WorkflowDefinitions.GetAsync("my_wf", ct: Ct);
        var byId = await store.WorkflowDefinitions.GetAsync(created.Id, ct: Ct);
        Assert.Equal(created.Id, byName.Id);
        Assert.Equal(created.Id, byId.Id);
        Assert.Equal(["t1", "t2"], byName.Tags);
        Assert.Equal("a, b=\"x\"", byName.Input);
        Assert.Equal(created.Definition, byName.Definition);
        Assert.Equal(StoreOptions.DefaultProjectId, byName.ProjectId);
        Assert.Equal("private", byName.Scope);
        Assert.Null(byName.UpdatedAt);
        Assert.Equal(DateTimeKind.Utc, byName.CreatedAt.Kind);
    }

    [Fact]
    public async Task Duplicate_name_in_the_same_namespace_is_a_conflict_and_other_namespaces_are_separate()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        await store.WorkflowDefinitions.CreateAsync(Wf("wf"), Ct);

        var error = await Assert.ThrowsAsync<DuplicateEntryException>(() => store.WorkflowDefinitions.CreateAsync(Wf("wf"), Ct));
        Assert.Contains("wf", error.Message, StringComparison.Ordinal);

        var other = await store.WorkflowDefinitions.CreateAsync(Wf("wf", "ns1"), Ct);
        Assert.Equal("ns1", (await store.WorkflowDefinitions.GetAsync("wf", "ns1", ct: Ct)).Namespace);
        Assert.NotEqual((await store.WorkflowDefinitions.GetAsync("wf", ct: Ct)).Id, other.Id);
    }

    [Fact]
    public async Task Creating_several_definitions_is_all_or_nothing()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        await store.WorkflowDefinitions.CreateAsync(Wf("existing"), Ct);

        await Assert.ThrowsAsync<DuplicateEntryException>(() =>
            store.WorkflowDefinitions.CreateManyAsync([Wf("new1"), Wf("existing")], Ct));

        Assert.Null(await store.WorkflowDefinitions.FindAsync("new1", ct: Ct));
        Assert.Single(await store.WorkflowDefinitions.ListAsync(ct: Ct));
    }

    [Fact]
    public async Task Update_replaces_the_text_keeps_id_and_created_at_and_sets_updated_at()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        var created = await store.WorkflowDefinitions.CreateAsync(Wf("wf"), Ct);

        var updated = await store.WorkflowDefinitions.UpdateAsync(Wf("wf") with { Definition = "changed", Tags = [] }, Ct);

        Assert.Equal(created.Id, updated.Id);
        var stored = await store.WorkflowDefinitions.GetAsync("wf", ct: Ct);
        Assert.Equal("changed", stored.Definition);
        Assert.Empty(stored.Tags);
        Assert.Equal(created.CreatedAt, stored.CreatedAt);
        Assert.NotNull(stored.UpdatedAt);
    }

    [Fact]
    public async Task Update_of_a_missing_definition_is_not_found_and_changes_nothing()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        await store.WorkflowDefinitions.CreateAsync(Wf("a"), Ct);

        var error = await Assert.ThrowsAsync<EntityNotFoundException>(() =>
            store.WorkflowDefinitions.UpdateManyAsync([Wf("a") with { Definition = "changed" }, Wf("missing")], Ct));

        Assert.Equal("Workflow not found [workflow_identifier=missing, namespace=]", error.Message);
        Assert.NotEqual("changed", (await store.WorkflowDefinitions.GetAsync("a", ct: Ct)).Definition);
    }

    [Fact]
    public async Task Delete_removes_by_name_or_id_and_a_second_delete_is_not_found()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        var a = await store.WorkflowDefinitions.CreateAsync(Wf("a"), Ct);
        await store.WorkflowDefinitions.CreateAsync(Wf("b"), Ct);

        await store.WorkflowDefinitions.DeleteAsync(a.Id, ct: Ct);
        await store.WorkflowDefinitions.DeleteAsync("b", ct: Ct);

        Assert.Empty(await store.WorkflowDefinitions.ListAsync(ct: Ct));
        await Assert.ThrowsAsync<EntityNotFoundException>(() => store.WorkflowDefinitions.DeleteAsync("b", ct: Ct));
    }

    [Fact]
    public async Task List_is_in_creation_order_and_filters_by_namespace()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        await store.WorkflowDefinitions.CreateManyAsync([Wf("x"), Wf("y", "ns"), Wf("z")], Ct);

        Assert.Equal(3, (await store.WorkflowDefinitions.ListAsync(ct: Ct)).Count);
        Assert.Equal(["y"], (await store.WorkflowDefinitions.ListAsync("ns", ct: Ct)).Select(w => w.Name));
    }

    [Fact]
    public async Task Workbook_and_its_workflows_are_stored_together_or_not_at_all()
    {
        await using var db = await TempDatabase.CreateAsync(kind, postgres);
        await using var store = await db.OpenAsync();
        await store.WorkflowDefinitions.CreateAsync(Wf("wb.taken"), Ct);

        await Assert.ThrowsAsync<DuplicateEntryException>(() =>
            store.Workbooks.CreateAsync(new Workbook { Name = "wb", Definition = "name: wb" }, [Wf("wb.ok"), Wf("wb.taken")], Ct));
        Assert.Null(await store.Workbooks.FindAsync("wb", ct: Ct));
        Assert.Null(await store.WorkflowDefinitions.FindAsync("wb.ok", ct: Ct));

        var wb = await store.Workbooks.CreateAsync(new Workbook { Name = "wb2", Definition = "name: wb2", Tags = ["x"] }, [Wf("wb2.w")], Ct);
        Assert.Equal(wb.Id, (await store.Workbooks.GetAsync("wb2", ct: Ct)).Id);
        Assert.Equal("wb2", (await store.WorkflowDefinitions.GetAsync("wb2.w", ct: Ct)).WorkbookName);

        await store.Workbooks.UpdateAsync(new Workbook { Name = "wb2", Definition = "name: wb2 # v2" }, [Wf("wb2.w") with { Definition = "v2" }, Wf("wb2.new")], Ct);
        Assert.Equal("v2", (await store.WorkflowDefinitions.GetAsync("wb2.w", ct: Ct)).Definition);
        Assert.NotNull(await store.WorkflowDefinitions.FindAsync("wb2.new", ct: Ct));

        await store.Workbooks.DeleteAsync("wb2", ct: Ct);
        await Assert.ThrowsAsync<EntityNotFoundException>(() => store.Workbooks.GetAsync("wb2", ct: Ct));
    }
}

/// <summary>The compliance suite on SQLite.</summary>
public sealed class WorkflowDefinitionRepositoryTestsOnSqlite(PostgresServer postgres) : WorkflowDefinitionRepositoryTests(StoreKind.Sqlite, postgres);

/// <summary>The compliance suite on PostgreSQL.</summary>
public sealed class WorkflowDefinitionRepositoryTestsOnPostgres(PostgresServer postgres) : WorkflowDefinitionRepositoryTests(StoreKind.Postgres, postgres);
