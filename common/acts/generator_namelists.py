"""Real names for the corpus generator, most common first within each list.

Pure data: ``generator_names`` turns these ranked lists into Zipf tables and
``generator_data`` groups them into cultures.  Spelling variants that real
registers hold side by side are kept on purpose (Ndiaye / N'Diaye, Gueye /
Guèye, Mohamed / Mouhamed / Mohammed): search must find them together.
"""

from __future__ import annotations

from common.acts.generator_names import split

# --- West and Central Africa (Senegal, Mali, Guinea, Côte d'Ivoire, Burkina Faso,
# Niger, Benin, Togo, Cameroon, Gabon, Congo, DR Congo, Rwanda, Burundi, Chad,
# Central African Republic, Mauritania) ----------------------------------------------
WA_SURNAMES = split("""Diop|Ndiaye|Diallo|Fall|Sow|Traoré|Ba|Faye|Gueye|Sarr|Ndiaye|Cissé|
Coulibaly|Sy|Camara|Touré|Mbaye|Diouf|Seck|Thiam|N'Diaye|Kane|Niang|Konaté|Keïta|Sall|
Kouassi|Koné|Ouattara|Ouédraogo|Sylla|Dieng|Diagne|Sène|Wade|Ndour|Bah|Barry|Baldé|Bâ|
Kaboré|Sawadogo|Diarra|Dembélé|Sangaré|Sanogo|Doumbia|Fofana|Bamba|Yao|Kouamé|Konan|
Kouadio|N'Guessan|Koffi|Guèye|Mbengue|Dione|Badji|Sagna|Diatta|Manga|Goudiaby|Tendeng|
Bassène|Sambou|Coly|Mendy|Gomis|Preira|Sarr|Tall|Lo|Ly|Dia|Deme|Samb|Kébé|Cissokho|
Dramé|Sakho|Tounkara|Diakité|Doucouré|Soumaré|Kanté|Kamara|Sidibé|Haïdara|Maïga|Cissoko|
Dabo|Danfakha|Diaw|Diakhaté|Mbodj|Ngom|Ndao|Ndione|Ndong|Faye|Ngom|Diagne|Senghor|Sané|
Diédhiou|Diémé|Sonko|Ndoye|Mbow|Gaye|Pouye|Sarr|Seye|Loum|Kassé|Fam|Dièye|Dioum|Gadio|
Hann|Kâ|Kandji|Mbacké|Niasse|Sylla|Dramé|Wane|Anne|Dème|Thioune|Thiaw|Tine|Sarr|Youm|
Zongo|Compaoré|Tapsoba|Zoungrana|Ouoba|Yaméogo|Nikiéma|Kafando|Ilboudo|Kiendrebeogo|
Tiendrebeogo|Zida|Bationo|Kinda|Nacanabo|Savadogo|Sanou|Traore|Ouedraogo|Sawadogo|Ki|
Some|Somé|Dabiré|Hien|Kambou|Palé|Da|Meda|Pooda|Bado|Kam|Poda|Kando|Tall|Guindo|Dolo|
Togo|Tembély|Ongoïba|Kassogué|Dicko|Cissé|Touré|Bocoum|Tamboura|Samaké|Konaré|Kéita|
Bagayoko|Diabaté|Kouyaté|Soumahoro|Bakayoko|Kourouma|Condé|Soumah|Bangoura|Sylla|Fofana|
Kaba|Kanté|Cherif|Keita|Diané|Mara|Traoré|Sacko|Simpara|Tandia|Gassama|Dramé|Ndiaye|
Gbagbo|Kablan|Aka|Adou|Brou|N'Dri|Yapi|Djédjé|Gnahoré|Zadi|Gnagne|Assi|Ahoua|Amani|Kra|
Tanoh|Boni|Yéo|Silué|Soro|Coulibali|Tuo|Koulibaly|Ouattara|Kamagaté|Cissé|Dosso|Méité|
Guéi|Goré|Tapé|Séri|Digbeu|Zoro|Lago|Koua|Ekra|Anoh|Diby|Essoh|Kassi|N'Cho|N'Goran|
Kouakou|Kouao|Konin|Akré|Bohoussou|N'Zi|Attoungbré|Yoboué|Tano|Ahoussou|Bédié|Kacou|
Hounkpatin|Agossou|Dossou|Houngbédji|Ahouansou|Akakpo|Amegah|Kpodar|Agbodjan|Adjovi|
Lawson|Olympio|D'Almeida|De Souza|Da Silva|Santos|Gnonlonfoun|Houessou|Kiki|Hounsou|
Zinsou|Sossou|Tossou|Gbaguidi|Azonhiho|Ahouandjinou|Dossa|Sossa|Adjaho|Kpadonou|Gandonou|
Houénou|Lokossou|Assogba|Adékambi|Bio|Yayi|Boni|Orou|Sabi|Gounou|Alassane|Chabi|Atchadé|
Akplogan|Adanlété|Agbo|Ahyi|Amoussou|Avocè|Badarou|Codjia|Dansou|Fagla|Glèlè|Hessou|
Kakpo|Loko|Mensah|Nouwadjro|Padonou|Quenum|Sodjinou|Tchibozo|Vodounou|Zannou|Ayivi|
Agbéko|Akué|Amouzou|Atsou|Ayité|Dogbé|Edoh|Folly|Gnassingbé|Kodjo|Kossi|Kpatcha|Kuma|
Mawuli|Sénou|Tchalla|Tchédré|Wilson|Afanou|Agbenyo|Ayassou|Bawa|Djato|Essowé|Gbéti|
Mbarga|Essomba|Ngono|Atangana|Owona|Mvondo|Eto'o|Fotso|Kamga|Tchoumi|Nana|Ngassa|Njoya|
Moukoko|Ebongué|Biya|Onana|Abega|Manga|Ndzana|Ateba|Ayissi|Belinga|Bella|Ekotto|Eyenga|
Fouda|Mbida|Mebenga|Nkoulou|Ondoa|Tsala|Zambo|Ngo Bilong|Ngo Nlend|Nkoa|Essama|Meka|
Tchatchoua|Nguetsop|Kengne|Djoumessi|Tchinda|Fokou|Kamdem|Kuate|Nganou|Simo|Tagne|
Tchakounte|Wafo|Yemdji|Fonkou|Djuikom|Tchamba|Ngoupayou|Nzeukou|Takam|Tsafack|Feudjio|
Ngando|Ekwalla|Dooh|Epée|Kotto|Mbappé|Ndoumbé|Priso|Din|Eboa|Ngalle|Mouelle|Ekambi|
Aboubakar|Hamadou|Oumarou|Bouba|Ahidjo|Bello|Yaya|Haman|Abdoulaye|Adamou|Hayatou|Moussa|
Mabiala|Loemba|Moussavou|Nzé|Obiang|Ndong|Ngoma|Mba|Nguema|Ondo|Ella|Essono|Mintsa|
Nzamba|Mouity|Boussougou|Mboumba|Ngoubou|Koumba|Mayila|Makaya|Nziengui|Ognane|Okouyi|
Oyane|Bongo|Ondimba|Mapangou|Moukagni|Dibanga|Missambo|Nyama|Bouanga|Mouanga|Nkounkou|
Mavoungou|Tchicaya|Massamba|Malonga|Miyouna|Bakala|Batchi|Kimbembe|Kouka|Loubaki|Mabanza|
Mampouya|Matsiona|Mbemba|Milandou|Moukouamou|Ngakosso|Nsonda|Okemba|Sassou|Ibara|Oba|
Mukendi|Kalonji|Ilunga|Mbuyi|Nzuzi|Kabongo|Tshimanga|Lukusa|Kabila|Tshisekedi|Mbuyamba|
Kasongo|Mutombo|Ngalula|Kabasele|Tshibangu|Mulumba|Kanku|Mwamba|Kalala|Kazadi|Katumba|
Lumumba|Mpiana|Ngoy|Banza|Kapinga|Kayembe|Lokwa|Lukaku|Makiadi|Matondo|Mbala|Mayala|
Mbemba|Mulamba|Mwanza|Nkulu|Nsimba|Ntumba|Bokele|Bolamba|Bosenge|Ekofo|Likunde|Moleka|
Mpia|Mukuna|Nlandu|Nsumbu|Kitenge|Kibangu|Makengo|Mabika|Mavuba|Tshiala|Muamba|Yamba|
Habyarimana|Uwimana|Niyonzima|Hakizimana|Nkurunziza|Mugisha|Mukamana|Ndayisenga|
Uwase|Mukeshimana|Nsengiyumva|Bizimana|Ndikumana|Nshimirimana|Niyonsaba|Havyarimana|
Ndayishimiye|Irakoze|Kwizera|Manirakiza|Nduwimana|Ntakirutimana|Nzeyimana|Uwamahoro|
Mahamat|Allamine|Abakar|Adoum|Brahim|Déby|Djimet|Goukouni|Hissein|Idriss|Ngarlejy|
Ngaba|Nodjimadji|Tombalbaye|Malloum|Koulamallah|Doumro|Ngakoutou|Kosnaye|Togoïmi|
Bokassa|Dacko|Kolingba|Patassé|Touadéra|Bozizé|Samba-Panza|Ngaïkoisset|Zanga|Yakété|
Ag Ahmed|Ould Cheikh|Issoufou|Mahamadou|Abdou|Garba|Hamani|Djibo|Tandja|Salifou|Souley|
Harouna|Boubacar|Hassane|Saidou|Kountché|Amadou|Seyni|Zakari|Laouali|Oumarou|Mamane|
Ousmane|Soumana|Ibrahim|Idrissa|Moumouni|Diori|Baré|Maïnassara|Ould Mohamed|Ould Ahmed|
Mint Ahmed|Ould Sidi|Ould Salem|Ould Brahim|Ould Ely|Ould Taya|Ould Daddah|Ould Boubacar""")

WA_MALE = split("""Mamadou|Moussa|Ousmane|Abdoulaye|Ibrahima|Cheikh|Modou|Amadou|Aliou|
Souleymane|Babacar|Lamine|Idrissa|Seydou|Bakary|Adama|Boubacar|Alassane|Daouda|Malick|
Pape|Serigne|Omar|Oumar|Mouhamed|Moustapha|Mohamed|Saliou|Assane|Ibou|Mor|Massamba|
Birame|Demba|Samba|Ndiaga|Elhadji|El Hadji|Khadim|Fallou|Bassirou|Mansour|Habib|Youssou|
Thierno|Tidiane|Mamoudou|Sékou|Sidy|Ismaïla|Aboubacar|Ablaye|Baye|Matar|Gora|Alioune|
Djibril|Issa|Yaya|Karim|Khalifa|Mbaye|Momar|Ngagne|Niokhor|Pathé|Sada|Mame|Saër|Tamsir|
Kofi|Kouadio|Koffi|Yao|Kouakou|Konan|N'Golo|Kwame|Kouamé|Kouassi|Kassoum|Siaka|Yacouba|
Drissa|Lassina|Brahima|Zoumana|Mamadi|Ansoumane|Fodé|Lansana|Sekou|Mory|Alpha|Boubacar|
Salif|Mahamadou|Harouna|Hamidou|Souleymane|Issiaka|Moumouni|Boukary|Inoussa|Rasmané|
Wendpanga|Wendyam|Boureima|Hamado|Tasséré|Noufou|Saïdou|Aboubakar|Halidou|Mahamane|
Jean|Jean-Baptiste|Jean-Pierre|Jean-Marie|Jean-Claude|Jean-Paul|Pierre|Paul|François|
Emmanuel|Joseph|Hervé|Thierry|Serge|Didier|Éric|Cédric|Stéphane|Noël|Aimé|Désiré|Honoré|
Théophile|Landry|Ghislain|Arsène|Blaise|Armel|Fabrice|Prosper|Innocent|Célestin|Fulgence|
Dieudonné|Achille|Samuel|Daniel|Patrice|Roch|Michel|Martin|Augustin|Benoît|Bernard|
Christian|Claude|Constant|Cyprien|Dominique|Edmond|Ernest|Eugène|Félix|Firmin|Francis|
Gaston|Germain|Gilbert|Guy|Hilaire|Hyacinthe|Ignace|Isidore|Jacques|Jérôme|Joachim|
Jules|Justin|Laurent|Léon|Léonard|Lucien|Marcel|Marius|Mathias|Maurice|Narcisse|Nestor|
Olivier|Pascal|Placide|Raphaël|Rodrigue|Romuald|Sylvain|Sylvestre|Timothée|Urbain|
Valentin|Victor|Vincent|Wilfried|Yves|Zacharie|Anicet|Barthélemy|Boniface|Clément|
Crépin|Eloi|Evariste|Fidèle|Gervais|Gildas|Gratien|Hippolyte|Josué|Kévin|Léopold|Modeste|
Octave|Parfait|Pacôme|Rufin|Sosthène|Séraphin|Sévérin|Théodore|Venance|Wenceslas|
Sèna|Houénou|Mahougnon|Sènan|Comlan|Kossi|Kodjo|Komi|Koku|Kwassi|Yawo|Kouami|Kokou|
Akouété|Dodji|Edem|Elom|Mawuli|Sénamé|Yao|Dossou|Sagbo|Hounsa|Gbènou|Tchédji|Chabi|
Orou|Sabi|Bio|Gounou|Worou|Sanni|Adissa|Olatoundji|Adébayo|Olusegun|Babatoundé|Akanni|
Essomba|Ngono|Fotso|Kamga|Tchoumi|Ndjock|Mbock|Bilong|Ekoumou|Ondoua|Abanda|Nkodo|
Mukendi|Ilunga|Kabeya|Kalonji|Mbuyi|Tshibangu|Kasongo|Mutombo|Lokua|Mpoyi|Kanda|Nkongolo|
Mahamat|Abakar|Hissein|Adoum|Djimet|Ngartoïdé|Nadji|Ndoubabé|Ngaryo|Béchir|Zakaria|
Ely|Sidi|Cheikhna|Mohamedou|Ahmedou|Mokhtar|Brahim|Vall|Lemrabott|Mohamed Lemine""")

WA_FEMALE = split("""Awa|Aminata|Fatou|Fatoumata|Mariama|Aïssatou|Khady|Ndèye|Coumba|Adja|
Binta|Kadiatou|Rokhaya|Seynabou|Mame Diarra|Astou|Aïcha|Maïmouna|Salimata|Ndeye|Khadija|
Marième|Mariètou|Dieynaba|Fanta|Penda|Yacine|Bineta|Nogaye|Sokhna|Codou|Ngoné|Sokhna|
Anta|Arame|Bousso|Daba|Dior|Diarra|Fama|Guignane|Kiné|Lala|Mbène|Mossane|Ndella|Ndiémé|
Ngoné|Oumy|Racky|Sagar|Soda|Sophie|Thioro|Yama|Yandé|Ndickou|Adama|Mame Fatou|Ndeye Fatou|
Rokia|Hawa|Oumou|Djénéba|Nafissatou|Safiatou|Ramatoulaye|Assétou|Bintou|Kadidia|Korotoum|
Mah|Nana|Sali|Sitan|Tenin|Assa|Mamou|Nènè|Hadja|Kadiatou|Fatim|Zénabou|Haoua|Balkissa|
Rasmata|Alimata|Pauline|Mariam|Nafi|Sanata|Adiaratou|Oumoul|Habibatou|Ramata|Rahinatou|
Akissi|Adjoua|Amenan|Affoué|Ahou|Aya|Amoin|Ahoussi|Akoua|Amlan|Ahoua|Aba|Abenan|Adjo|
Afi|Akossiwa|Ama|Ayawa|Dédé|Dzifa|Edem|Enyonam|Kafui|Mawuena|Sélom|Yawa|Délali|Afiwa|
Houéfa|Sènami|Mahoussi|Dossi|Hounyo|Gbèmi|Bolanlé|Folakè|Yétondé|Tèni|Zinsa|Akpénè|
Marie|Marie-Claire|Marie-Hélène|Anne-Marie|Marie-Thérèse|Marie-Louise|Marie-Noëlle|
Françoise|Hélène|Thérèse|Bernadette|Joséphine|Élise|Chloé|Inès|Béatrice|Grâce|Espérance|
Félicité|Clémentine|Ange|Bénédicte|Sandrine|Nadège|Prisca|Odile|Rosalie|Pélagie|Véronique|
Yolande|Germaine|Henriette|Agnès|Albertine|Alphonsine|Angèle|Antoinette|Apolline|
Augustine|Blandine|Brigitte|Carine|Cécile|Célestine|Christiane|Chantal|Claudine|Colette|
Denise|Edwige|Élisabeth|Estelle|Eugénie|Florence|Gisèle|Hortense|Irène|Jacqueline|
Jeannette|Judith|Juliette|Justine|Léontine|Lucie|Madeleine|Marceline|Martine|Monique|
Nathalie|Nicole|Olga|Pascaline|Perpétue|Philomène|Rachel|Rébecca|Régine|Rose|Ruth|Sabine|
Solange|Suzanne|Sylvie|Victorine|Viviane|Virginie|Yvette|Yvonne|Albertine|Aurélie|
Ngo Bassa|Mballa|Ngono|Mengue|Ebanga|Ewodo|Nkeng|Ngoumou|Tchuente|Mafo|Makamté|Nguefack|
Mbuyi|Ngalula|Kapinga|Mwika|Tshilanda|Kabedi|Mujinga|Ngeleka|Mbombo|Bijou|Nsimire|Furaha|
Uwase|Ineza|Keza|Umutoni|Uwera|Mutesi|Gatesi|Ishimwe|Iradukunda|Nshuti|Teta|Kirezi|
Achta|Halimé|Zara|Kaltouma|Hadjé|Fatimé|Mounira|Nadjiré|Ndolassem|Remadji|Ngarmadji|
Mariem|Khadijetou|Aminetou|Lalla|Vatimetou|Oumkelthoum|Toutou|Mbarka|Selma|Zeinabou""")

# --- France, Belgium, Switzerland, Québec, and French families settled in Africa -------
FR_SURNAMES = split("""Martin|Bernard|Thomas|Petit|Robert|Richard|Durand|Dubois|Moreau|Laurent|
Simon|Michel|Lefebvre|Leroy|Roux|David|Bertrand|Morel|Fournier|Girard|Bonnet|Dupont|
Lambert|Fontaine|Rousseau|Vincent|Muller|Lefèvre|Faure|André|Mercier|Blanc|Guérin|Boyer|
Garnier|Chevalier|François|Legrand|Gauthier|Garcia|Perrin|Robin|Clément|Morin|Nicolas|
Henry|Roussel|Mathieu|Gautier|Masson|Marchand|Duval|Denis|Dumont|Marie|Lemaire|Noël|
Meyer|Dufour|Meunier|Brun|Blanchard|Giraud|Joly|Rivière|Lucas|Brunet|Gaillard|Barbier|
Arnaud|Martinez|Gérard|Roche|Renard|Schmitt|Roy|Leroux|Colin|Vidal|Caron|Picard|Roger|
Fabre|Aubert|Lemoine|Renaud|Dumas|Lacroix|Olivier|Philippe|Bourgeois|Pierre|Benoît|Rey|
Leclerc|Payet|Rolland|Leclercq|Guillaume|Lecomte|Lopez|Jean|Dupuy|Guillot|Hubert|Berger|
Carpentier|Sanchez|Dupuis|Moulin|Louis|Deschamps|Huet|Vasseur|Perez|Boucher|Fleury|
Royer|Klein|Jacquet|Adam|Paris|Poirier|Marty|Aubry|Guyot|Carré|Charles|Renault|Charpentier|
Ménard|Maillard|Baron|Bertin|Bailly|Hervé|Schneider|Fernandez|Le Gall|Collet|Léger|
Bouvier|Julien|Prévost|Millet|Perrot|Daniel|Le Roux|Cousin|Germain|Breton|Besson|Langlois|
Rémy|Le Goff|Pelletier|Lévêque|Perrier|Leblanc|Barré|Lebrun|Marchal|Weber|Mallet|
Hamon|Boulanger|Jacob|Monnier|Michaud|Rodriguez|Guichard|Gillet|Étienne|Grondin|Poulain|
Tessier|Chevallier|Collin|Chauvin|Da Silva|Bouchet|Gay|Lemaître|Bénard|Maréchal|Humbert|
Reynaud|Antoine|Hoarau|Perret|Barthélemy|Cordier|Pichon|Lejeune|Gilbert|Lamy|Delaunay|
Pasquier|Carlier|Laporte|Müller|Cœur|Ægerter|De La Fontaine|D'Arcy|L'Hermite|Saint-Just|
Le Bihan|Le Corre|Le Floch|Le Moal|Le Meur|Le Berre|Le Guen|Le Bras|Kerbrat|Quéré|Tanguy|
Lebon|Delmas|Delorme|Desjardins|Dubreuil|Ducret|Dufresne|Dumoulin|Duplessis|Dupré|
Duret|Fabien|Ferrand|Fortin|Fouquet|Gagnon|Tremblay|Côté|Bouchard|Gauthier|Pelletier|
Bélanger|Lévesque|Bergeron|Leblanc|Paquette|Girouard|Ouellet|Beaulieu|Thibault|Vaillancourt|
Peeters|Janssens|Maes|Jacobs|Mertens|Willems|Claes|Goossens|Wouters|De Smet|Dubois|
Lambert|Dupont|Van den Berghe|Vandenbroucke|Desmet|Lejeune|Leclercq|Renard|Collignon|
Favre|Rochat|Bühler|Chappuis|Jaquet|Perrenoud|Monnet|Borel|Cuénod|Aebischer|Zbinden|
Boissonnade|Castaing|Daguerre|Etcheverry|Harispe|Iriart|Laborde|Lassalle|Larrieu|Pujol|
Roque|Sabatier|Vergnes|Cazenave|Bergès|Camboulives|Delpech|Estève|Fabregat|Got|Puech|
Beauchamp|Bellamy|Champagne|Chastain|Courtois|Delacroix|Desrosiers|Fontenot|Lavigne|
Mallard|Montagne|Rocher|Saint-Pierre|Sainte-Marie|Toussaint|Vautrin|Villeneuve|Voisin|
Abadie|Allard|Aubin|Barbe|Bazin|Bellanger|Blondel|Bodin|Bonneau|Bouvet|Brault|Brisson|
Camus|Chapuis|Charrier|Chartier|Cochet|Combe|Courtin|Cuvelier|Delattre|Delhaye|Dumont|
Evrard|Fleuriot|Foucher|Fouché|Fréville|Gallet|Gasnier|Godard|Goujon|Grégoire|Guillon|
Hébert|Hoareau|Imbert|Jourdan|Labbé|Lacoste|Laine|Lamotte|Lebreton|Leduc|Lefort|Lemarchand""")

FR_MALE = split("""Jean|Pierre|Michel|Philippe|Alain|Nicolas|Christophe|Patrick|Laurent|
Frédéric|Olivier|Julien|Sébastien|Guillaume|Mathieu|Antoine|Hugo|Lucas|Théo|Louis|Gabriel|
Raphaël|Arthur|Jules|Léo|Maël|Noé|Étienne|Jérôme|Benoît|François-Xavier|Jean-Luc|
Jean-Claude|Marc-Antoine|Loïc|Gaël|Hervé|Joël|Thomas|Alexandre|Maxime|Romain|Vincent|
Nathan|Enzo|Adam|Paul|Tom|Baptiste|Clément|Quentin|Kevin|Florian|Anthony|Jonathan|Damien|
Cédric|David|Stéphane|Bruno|Didier|Éric|Pascal|Thierry|Gilles|Bernard|Daniel|Dominique|
Marc|Yves|André|Claude|René|Jacques|Henri|Georges|Robert|Roger|Marcel|Lucien|Gérard|Serge|
Denis|Régis|Xavier|Yannick|Ludovic|Grégory|Fabien|Arnaud|Rémi|Aurélien|Bastien|Adrien|
Valentin|Corentin|Timothée|Victor|Martin|Simon|Samuel|Axel|Ethan|Mathis|Noah|Sacha|Eliott|
Aymeric|Amaury|Gauthier|Tanguy|Yann|Erwan|Goulven|Ronan|Tristan|Anatole|Basile|Côme|
Augustin|Ambroise|Barnabé|Célestin|Évariste|Félicien|Gaspard|Honoré|Isidore|Lazare|
Léopold|Marius|Octave|Philémon|Séraphin|Téodor|Ulysse|Valère|Zéphyrin|Jean-François|
Jean-Michel|Jean-Louis|Jean-Jacques|Jean-Philippe|Pierre-Yves|Paul-Henri|Louis-Marie""")

FR_FEMALE = split("""Marie|Nathalie|Isabelle|Sylvie|Catherine|Françoise|Valérie|Christine|
Sophie|Céline|Julie|Camille|Léa|Manon|Chloé|Emma|Inès|Jade|Louise|Alice|Zoé|Agathe|Hélène|
Anaïs|Mélanie|Aurélie|Émilie|Gaëlle|Maëlle|Noémie|Anne-Sophie|Marie-Christine|Marie-Laure|
Marie-Ève|Clémence|Éloïse|Bérénice|Lætitia|Sandrine|Stéphanie|Véronique|Martine|Nicole|
Monique|Chantal|Brigitte|Patricia|Dominique|Florence|Caroline|Virginie|Laetitia|Elodie|
Audrey|Charlotte|Pauline|Marine|Lucie|Mathilde|Margaux|Juliette|Lola|Rose|Anna|Ambre|Lina|
Mila|Léna|Romane|Élise|Capucine|Apolline|Héloïse|Victoire|Joséphine|Adèle|Albane|Blanche|
Cécile|Clotilde|Constance|Diane|Éléonore|Gabrielle|Hortense|Irène|Jeanne|Madeleine|
Marguerite|Odette|Paulette|Simone|Solange|Suzanne|Thérèse|Yvette|Colette|Geneviève|
Jacqueline|Josiane|Michèle|Danielle|Évelyne|Béatrice|Agnès|Annie|Claire|Corinne|Muriel|
Nadine|Pascale|Sabine|Karine|Delphine|Estelle|Fanny|Laure|Morgane|Océane|Sarah|Clara|
Maëlys|Nolwenn|Gwenaëlle|Soizic|Armelle|Anne-Laure|Marie-Pierre|Marie-Anne|Marie-José""")

# --- Maghreb and the Middle East, in Latin script ---------------------------------------
MAGHREB_SURNAMES = split("""Benali|Ben Salah|Ben Ammar|El Amrani|El Idrissi|Haddad|Mansour|
Khalil|Aït Ahmed|Bouazizi|Ould Abdallah|Abdelkader|Cherif|Chérif|Hamidou|Belkacem|
Benkirane|Boutaleb|Bensaïd|Zerrouki|Mokhtar|Slimani|Lahlou|Tazi|Fassi|Alaoui|Hassani|
Berrada|Chraïbi|Ghazali|Kaddouri|Larbi|Mebarki|Nasri|Saâdi|Tounsi|Yacoubi|Zidane|El Fassi|
Benali|Saidi|Hamdi|Brahimi|Bouzid|Belaïd|Benmoussa|Boudiaf|Bouteflika|Chaouch|Djebbar|
Ferhat|Guendouz|Hadj|Hamadi|Kaci|Khelifi|Lounis|Mahrez|Mekki|Messaoudi|Meziane|Nait|
Ouali|Rahmani|Rezki|Saadi|Said|Sahraoui|Slimane|Taleb|Yahiaoui|Zeroual|Ziani|Amrani|
Bennani|Benjelloun|Cherkaoui|El Alami|El Mansouri|Filali|Guessous|Idrissi|Kettani|
Lazrak|Mernissi|Naciri|Ouazzani|Sebti|Skalli|Tahiri|Tazi|Zniber|Ziani|Benchekroun|
Bensouda|Bouabid|Chami|Dahbi|El Ouafi|Ennaji|Fikri|Hajji|Jaidi|Kabbaj|Lamrani|Moussaoui|
Ben Youssef|Ben Ali|Ben Hassine|Ben Mahmoud|Ben Romdhane|Bouslama|Chebbi|Dridi|Ghannouchi|
Hammami|Jebali|Jaziri|Karoui|Khemiri|Mabrouk|Marzouki|Mejri|Nasraoui|Riahi|Sassi|Trabelsi|
Zouari|Baccouche|Belhadj|Bouguerra|Chaabane|Daoud|Gharbi|Hamrouni|Jlassi|Kchaou|Mbarek|
Abou Khalil|Azar|Chamoun|Gemayel|Haddad|Karam|Khoury|Nassar|Saad|Salameh|Sleiman|Aoun|
Frangié|Hariri|Jaber|Matar|Nakhlé|Sfeir|Tabet|Younes|Zogheib|Abboud|Bitar|Daher|Fares|
El Khoury|Ghanem|Habib|Issa|Kassab|Maalouf|Rahal|Sabbagh|Touma|Wehbé|Yazbek|Zein""")

MAGHREB_MALE = split("""Mohamed|Mohammed|Mouhamed|Ahmed|Ali|Hassan|Hussein|Youssef|Omar|
Khalid|Abdallah|Abdelaziz|Abderrahmane|Said|Saïd|Karim|Mustapha|Hamza|Bilal|Ismaël|
Ibrahim|Rachid|Mehdi|Nabil|Tarik|Yassine|Anouar|Driss|Hicham|Walid|Amine|Adil|Aziz|
Brahim|Farid|Fouad|Hakim|Hamid|Jamal|Kamal|Lahcen|Mourad|Mounir|Nourredine|Othmane|
Redouane|Samir|Sofiane|Tahar|Yacine|Younes|Zakaria|Abdelkrim|Abdelhak|Abdelmajid|
Abdelwahab|Abdessamad|Ayoub|Badr|Chakib|Djamel|Elias|Fayçal|Ilyes|Issam|Jawad|Khalil|
Lotfi|Marouane|Mahdi|Mokhtar|Nadir|Noureddine|Rayan|Riad|Salah|Sami|Slimane|Tayeb|Wassim|
Yahia|Zinedine|Georges|Elie|Joseph|Charbel|Fadi|Rami|Ziad|Nabih|Wissam|Ghassan|Toufic""")

MAGHREB_FEMALE = split("""Fatima|Fatma|Khadija|Aïcha|Meriem|Zeynab|Zineb|Samira|Nadia|Leïla|
Yasmina|Hafsa|Salma|Amina|Houda|Rachida|Naïma|Souad|Malika|Karima|Latifa|Nour|Imane|
Sanaa|Hajar|Siham|Loubna|Ghizlane|Asmaa|Wafa|Amel|Assia|Bouchra|Dalila|Djamila|Farida|
Fatiha|Hanane|Hayat|Ikram|Inès|Jamila|Kenza|Lamia|Lina|Lamya|Manel|Myriam|Nawal|Nesrine|
Ouafae|Radia|Rim|Sabrina|Safia|Sara|Sonia|Soumaya|Wahiba|Yamina|Zahra|Zohra|Chaïma|Hiba|
Ilham|Kawtar|Maryam|Najat|Rania|Sihem|Zakia|Rita|Nayla|Joëlle|Carla|Maya|Rola|Ghada""")

# --- Lusophone West Africa, Anglophone neighbours, Asia: the rest of a register -------
OTHER_SURNAMES = split("""Gomes|Mendes|Pereira|Lopes|Fernandes|Correia|Tavares|Monteiro|Semedo|
Rodrigues|Sanca|Cabral|Vieira|Baldé|Cá|Có|Nhaga|Indi|Mané|Djaló|Embaló|Fonseca|Moreira|
Varela|Andrade|Évora|Barros|Brito|Delgado|Furtado|Spencer|Mensah|Owusu|Boateng|Asante|
Osei|Adjei|Appiah|Agyeman|Danquah|Okafor|Okeke|Adeyemi|Ogunleye|Balogun|Johnson|Williams|
Smith|Brown|Taylor|Jones|Nguyen|Tran|Le|Pham|Hoang|Vo|Patel|Shah|Singh|Kumar|Sharma|
Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Colombo|Ricci|García|González|Hernández|
Da Costa|Dos Santos|Do Rosário|Teixeira|Pinto|Carvalho|Ribeiro|Almeida|Cardoso|Sousa""")

OTHER_MALE = split("""João|António|José|Manuel|Carlos|Paulo|Francisco|Domingos|Armando|Lino|
Kwame|Kofi|Kwabena|Yaw|Chinedu|Emeka|Oluwaseun|Tunde|John|Michael|David|James|Peter|
Minh|Anh|Duc|Tuan|Raj|Amit|Vijay|Marco|Luca|Giuseppe|Alejandro|Diego|Mateus|Nuno|Rui""")

OTHER_FEMALE = split("""Maria|Ana|Joana|Fátima|Isabel|Teresa|Rosa|Filomena|Domingas|Esperança|
Ama|Abena|Akosua|Efua|Adwoa|Ngozi|Chioma|Funmilayo|Mary|Elizabeth|Grace|Sarah|Linh|Lan|
Mai|Hoa|Priya|Anjali|Sunita|Giulia|Francesca|Lucía|Carmen|Inês|Beatriz|Catarina|Leonor""")

# --- Arabic, Cyrillic and Chinese script ------------------------------------------------
ARABIC_SURNAMES = split("العلوي|بن علي|المنصوري|الحسيني|حداد|الشريف|التازي|الفاسي|بنكيران|"
                        "الإدريسي|السعدي|الزياني|القاسمي|الكتاني|البركاني|العمراني|"
                        "الخوري|منصور|خليل|حسن|إبراهيم|عبد الله|يوسف|البكري|الأنصاري|"
                        "الهاشمي|الجزائري|التونسي|المغربي|الزين|سليمان|داود|عيسى|موسى|"
                        "بن سالم|بن عمار|الطاهري|الغزالي|الرحماني|السباعي|الشامي|النجار|"
                        "الحداد|العطار|الخياط|الصباغ|القباني|الدمشقي|البغدادي|المصري|"
                        "السوداني|الليبي|الموريتاني|ولد أحمد|ولد محمد|ولد الشيخ|بن يوسف|"
                        "الفلاحي|الكبير|الصغير|الحاج|الدباغ|الوزاني|الشرقاوي|العراقي")
ARABIC_MALE = split("محمد|أحمد|علي|حسن|يوسف|عمر|خالد|عبد الله|إبراهيم|كريم|مصطفى|حمزة|"
                    "سعيد|رشيد|عبد الرحمن|عبد العزيز|إسماعيل|بلال|طارق|ياسين|أنور|إدريس|"
                    "هشام|وليد|أمين|عادل|عزيز|فريد|فؤاد|حكيم|حميد|جمال|كمال|منير|نور الدين|"
                    "عثمان|رضوان|سمير|سفيان|الطاهر|يونس|زكريا|عبد الكريم|أيوب|بدر|إلياس")
ARABIC_FEMALE = split("فاطمة|عائشة|خديجة|مريم|زينب|سلمى|ليلى|نور|أمينة|هدى|سميرة|نادية|"
                      "ياسمينة|حفصة|سعاد|مليكة|كريمة|لطيفة|إيمان|سناء|هاجر|سهام|لبنى|"
                      "أسماء|وفاء|أمل|آسيا|بشرى|جميلة|فريدة|حنان|حياة|إكرام|كنزة|لمياء|"
                      "منال|نوال|نسرين|رانيا|صفية|سارة|زهرة|شيماء|هبة|إلهام|نجاة|رحمة")

CYRILLIC_SURNAMES = split("Иванов|Смирнов|Кузнецов|Попов|Васильев|Петров|Соколов|Михайлов|"
                          "Новиков|Фёдоров|Морозов|Волков|Алексеев|Лебедев|Семёнов|Егоров|"
                          "Павлов|Козлов|Степанов|Николаев|Орлов|Андреев|Макаров|Никитин|"
                          "Захаров|Зайцев|Соловьёв|Борисов|Яковлев|Григорьев|Романов|"
                          "Воробьёв|Сергеев|Кузьмин|Фролов|Александров|Дмитриев|Королёв|"
                          "Гусев|Киселёв|Ильин|Максимов|Поляков|Сорокин|Виноградов|Ковалёв|"
                          "Белов|Медведев|Антонов|Тарасов|Жуков|Баранов|Филиппов|Комаров|"
                          "Давыдов|Беляев|Герасимов|Богданов|Осипов|Сидоров|Матвеев|Титов|"
                          "Шевченко|Ковальчук|Бондаренко|Коваленко|Бойко|Ткаченко|Кравченко|"
                          "Олейник|Шевчук|Поліщук|Мельник|Лысенко|Руденко|Савченко|Петренко|"
                          "Марченко|Гончаренко|Кравчук|Клименко|Павленко|Іваненко|Левченко")
CYRILLIC_MALE = split("Иван|Дмитрий|Сергей|Алексей|Андрей|Михаил|Николай|Юрий|Олег|Артём|"
                      "Максим|Ярослав|Александр|Владимир|Евгений|Павел|Роман|Игорь|Денис|"
                      "Антон|Виктор|Кирилл|Илья|Никита|Тимофей|Григорий|Богдан|Тарас|"
                      "Степан|Василий|Фёдор|Леонид|Борис|Вадим|Георгий|Станислав|Матвей")
CYRILLIC_FEMALE = split("Анна|Мария|Ольга|Елена|Наталья|Татьяна|Ирина|Светлана|Юлия|Ксения|"
                        "Алёна|Дарья|Екатерина|Анастасия|Виктория|Полина|Софья|Вера|Людмила|"
                        "Галина|Надежда|Марина|Оксана|Валентина|Лариса|Евгения|Алина|Кристина|"
                        "Вероника|Елизавета|Александра|Любовь|Нина|Зоя|Ганна|Олена|Тетяна")

CHINESE_SURNAMES = ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马",
                    "朱", "胡", "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许",
                    "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋",
                    "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢",
                    "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦",
                    "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段",
                    "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万",
                    "欧阳", "司马", "诸葛", "上官", "东方")
