namespace Relax.Audio.Tests;

public class WavFileSearchTests
{
    [Fact]
    public void A_folder_gives_every_wav_under_it_in_ordinal_order_any_letter_case_hidden_ones_left_out()
    {
        InTempFolder(root =>
        {
            Touch(root, "b.wav");
            Touch(root, "A.WAV");
            Touch(root, "notes.txt");
            Touch(root, ".hidden.wav");
            Touch(root, "cats", "c.Wav");
            Touch(root, ".cache", "d.wav");
            var found = WavFileSearch.Find(root).Select(f => Path.GetRelativePath(root, f)).ToList();
            Assert.Equal(["A.WAV", "b.wav", Path.Combine("cats", "c.Wav")], found);
        });
    }

    [Fact]
    public void Links_back_up_the_tree_and_two_links_to_one_folder_add_nothing_twice_and_the_search_ends()
    {
        InTempFolder(root =>
        {
            Touch(root, "dog", "rex.wav");
            Directory.CreateDirectory(Path.Combine(root, "dog", "sub"));
            Directory.CreateSymbolicLink(Path.Combine(root, "dog", "sub", "up"), "..");   // a loop
            Directory.CreateSymbolicLink(Path.Combine(root, "dog", "sub", "top"), root);  // a second loop
            Directory.CreateSymbolicLink(Path.Combine(root, "again"), Path.Combine(root, "dog"));
            var found = WavFileSearch.Find(root);
            Assert.Single(found);
            Assert.Equal(Path.Combine(root, "again", "rex.wav"), found[0]); // the first name in ordinal order that reaches it
        });
    }

    [Fact]
    public void A_file_is_itself_whatever_its_extension_a_folder_without_wavs_is_empty_and_nothing_is_refused_naming_it()
    {
        InTempFolder(root =>
        {
            var file = Touch(root, "clip.flac");
            Assert.Equal([file], WavFileSearch.Find(file));
            Assert.Empty(WavFileSearch.Find(Directory.CreateDirectory(Path.Combine(root, "empty")).FullName));
            var missing = Path.Combine(root, "missing");
            var e = Assert.Throws<FileNotFoundException>(() => WavFileSearch.Find(missing));
            Assert.Equal($"{missing}: no such file or folder.", e.Message);
        });
    }

    private static string Touch(string root, params string[] parts)
    {
        var path = Path.Combine([root, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, []);
        return path;
    }

    private static void InTempFolder(Action<string> test)
    {
        var root = Directory.CreateTempSubdirectory("relax-wav-search-").FullName;
        try
        {
            test(root);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
