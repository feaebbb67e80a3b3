"""The criteria sets shipped with Kenanga (domain.md, "Households and verification").

The texts are stored in Indonesian with each criteria set; gettext_noop only marks them so
the forms and pages can show them in English too.
"""

from django.utils.translation import gettext_noop

PAYAKUMBUH_12 = [
    gettext_noop("Luas lantai kurang dari 8 m² per orang"),
    gettext_noop("Lantai tanah, bambu atau kayu murahan"),
    gettext_noop("Dinding bambu, rumbia atau tembok tanpa plester"),
    gettext_noop("Tidak punya jamban sendiri"),
    gettext_noop("Tidak ada listrik"),
    gettext_noop("Makan daging/susu/ayam paling banyak sekali seminggu"),
    gettext_noop("Membeli satu stel pakaian baru paling banyak sekali setahun"),
    gettext_noop("Makan hanya satu atau dua kali sehari"),
    gettext_noop("Tidak sanggup membayar berobat ke puskesmas/klinik"),
    gettext_noop(
        "Kepala keluarga buruh tani/nelayan/buruh bangunan dsb. "
        "berpenghasilan di bawah Rp600.000 sebulan"
    ),
    gettext_noop("Kepala keluarga tidak sekolah atau hanya tamat SD"),
    gettext_noop("Tidak punya tabungan atau barang yang mudah dijual senilai Rp500.000"),
]

BPS_14 = [
    gettext_noop("Luas lantai bangunan tempat tinggal kurang dari 8 m² per orang"),
    gettext_noop("Lantai tanah, bambu atau kayu murahan"),
    gettext_noop("Dinding bambu, rumbia, kayu berkualitas rendah atau tembok tanpa plester"),
    gettext_noop("Tidak punya fasilitas buang air besar atau berbagi dengan rumah tangga lain"),
    gettext_noop("Penerangan rumah tidak memakai listrik"),
    gettext_noop("Air minum dari sumur/mata air tidak terlindung, sungai atau air hujan"),
    gettext_noop("Bahan bakar memasak kayu bakar, arang atau minyak tanah"),
    gettext_noop("Makan daging/susu/ayam hanya sekali seminggu"),
    gettext_noop("Membeli satu stel pakaian baru hanya sekali setahun"),
    gettext_noop("Makan hanya satu atau dua kali sehari"),
    gettext_noop("Tidak sanggup membayar berobat ke puskesmas/poliklinik"),
    gettext_noop(
        "Penghasilan kepala rumah tangga: petani lahan 500 m², buruh tani, nelayan, buruh bangunan, "
        "buruh perkebunan atau pekerjaan lain berpenghasilan di bawah Rp600.000 sebulan"
    ),
    gettext_noop(
        "Pendidikan tertinggi kepala rumah tangga: tidak sekolah, tidak tamat SD atau hanya SD"
    ),
    gettext_noop(
        "Tidak punya tabungan/barang mudah dijual minimal Rp500.000 (sepeda motor, emas, ternak, "
        "kapal motor atau barang modal lain)"
    ),
]

# (code, name, minimum met, items). The thresholds are parameters: a new
# version of a set may change them without touching past visits.
SHIPPED = [
    ("payakumbuh-12", "Kriteria lokal Payakumbuh (12)", 7, PAYAKUMBUH_12),
    ("bps-14", "Kriteria BPS (14), minimal 9", 9, BPS_14),
]


def load_criteria(criteria_set_model, criterion_model) -> None:
    for code, name, min_met, items in SHIPPED:
        criteria_set, created = criteria_set_model.objects.get_or_create(
            code=code, version=1, defaults={"name": name, "min_met": min_met}
        )
        if created:
            criterion_model.objects.bulk_create(
                [
                    criterion_model(criteria_set=criteria_set, order=i, text=text)
                    for i, text in enumerate(items, start=1)
                ]
            )
